-- name: ingest_existing_attributes
-- description: User-supplied attributes of a dataset's images, to decide what changed.
-- param: dataset VARCHAR  dataset name
SELECT a.image_id, a.name, a.value
FROM image_attributes AS a
JOIN images AS i USING (image_id)
WHERE i.dataset = $dataset
