-- name: model_split_get
-- description: One stored split's settings and part sizes (no row if it was never drawn).
-- param: split_id VARCHAR  split key
SELECT * FROM splits WHERE split_id = $split_id
