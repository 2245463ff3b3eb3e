-- name: usable_images
-- description: The readable images of one dataset (status ok or converted) with their absolute paths,
--   labels, groups and the dataset's own split, in a stable order.
-- param: dataset VARCHAR  dataset name
SELECT i.image_id,
       i.dataset,
       d.root || '/' || i.rel_path AS path,
       i.rel_path,
       i.label,
       i.group_id,
       i.source_split,
       i.content_hash,
       i.format,
       i.width,
       i.height
FROM images AS i
JOIN datasets AS d USING (dataset)
WHERE i.dataset = $dataset AND i.status <> 'rejected'
ORDER BY i.image_id
