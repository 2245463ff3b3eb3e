-- name: usable_images
-- description: The readable images of one dataset (status ok or converted) with their absolute paths,
--   labels, groups and the dataset's own split, in a stable order. path is the saved face crop for
--   images cut from videos or photos (crop_path), with their source_path and frame_index.
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
ORDER BY i.image_id
