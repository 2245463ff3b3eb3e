-- name: usable_images
-- description: The images of one dataset a study uses: readable (status ok or converted) and, when the
--   dataset has a cap (datasets.max_images_per_class), at most that many of each class, chosen by a seeded
--   hash of each image's group (or content) so whole videos or people stay together, a larger cap keeps
--   every image a smaller one chose, and adding files changes the choice only where they rank in. With
--   absolute paths, labels, groups and the dataset's own split, in a stable order. path is the saved face
--   crop for images cut from videos or photos (crop_path), with their source_path and frame_index.
-- param: dataset VARCHAR  dataset name
SELECT i.image_id,
       i.dataset,
       coalesce(i.crop_path, d.root || '/' || i.rel_path) AS path,
       i.rel_path,
       i.label,
       i.group_id,
       i.source_split,
       i.content_hash,
       i.format,
       i.width,
       i.height,
       i.source_path,
       i.frame_index
FROM images AS i
JOIN datasets AS d USING (dataset)
WHERE i.dataset = $dataset AND i.status <> 'rejected'
QUALIFY d.max_images_per_class IS NULL
     OR row_number() OVER (PARTITION BY i.label
                           ORDER BY md5(coalesce(i.group_id, i.content_hash) || ':' || d.cap_seed), i.content_hash)
        <= d.max_images_per_class
ORDER BY i.image_id
