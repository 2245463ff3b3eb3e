-- name: model_run_get
-- description: One run's row (no row if the id is unknown).
-- param: run_id VARCHAR  run key
SELECT * FROM runs WHERE run_id = $run_id
