-- name: model_split_members
-- description: Which part ('train', 'validation', 'test') each image of a stored split is in.
-- param: split_id VARCHAR  split key
SELECT image_id, part FROM split_members WHERE split_id = $split_id ORDER BY image_id
