-- name: model_split_leakage_get
-- description: The leakage check of one stored split, one row per checked part (no rows if never checked).
-- param: split_id VARCHAR  split key
SELECT * FROM split_leakage WHERE split_id = $split_id ORDER BY part = 'validation'
