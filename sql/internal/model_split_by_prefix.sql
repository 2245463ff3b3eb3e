-- name: model_split_by_prefix
-- description: Stored splits whose id starts with a prefix (a whole id finds itself).
-- param: prefix VARCHAR  split id or its first characters
SELECT * FROM splits WHERE starts_with(split_id, $prefix) ORDER BY split_id
