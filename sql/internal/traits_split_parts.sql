-- name: traits_split_parts
-- description: Which part (train, validation, test) each image is in, for every stored split of one dataset.
-- param: dataset VARCHAR  dataset name
SELECT s.split_id, m.image_id, m.part
FROM splits AS s
JOIN split_members AS m USING (split_id)
WHERE s.dataset = $dataset
ORDER BY s.split_id, m.image_id
