-- name: model_run_by_prefix
-- description: Run ids that start with a prefix (a whole id finds itself), git-style.
-- param: prefix VARCHAR  run id or its first characters
SELECT run_id FROM runs WHERE starts_with(run_id, $prefix) ORDER BY run_id
