-- name: model_run_fail
-- description: Mark a run failed with the error that stopped it.
-- param: run_id VARCHAR  run key
-- param: error VARCHAR  one line
UPDATE runs SET status = 'failed', error = $error, finished_at = now()::TIMESTAMP WHERE run_id = $run_id
