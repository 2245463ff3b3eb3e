-- name: traits_image_attributes
-- description: User-supplied per-image attributes (extra manifest columns) of one dataset's usable images.
-- param: dataset VARCHAR  dataset name
SELECT a.image_id, a.name, a.value
FROM image_attributes AS a
JOIN images AS i USING (image_id)
WHERE i.dataset = $dataset AND i.status <> 'rejected'
ORDER BY a.image_id, a.name
