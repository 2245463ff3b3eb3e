-- name: model_run_stop
-- description: Mark a run that did not finish: 'interrupted' (Ctrl-C) or 'failed' (an error), with
--   the error that stopped it, unless it is complete or another process has claimed it since. The
--   next attempt of the same run replaces it (model_run_start).
-- param: run_id VARCHAR  run key
-- param: status VARCHAR  'interrupted' or 'failed'
-- param: error VARCHAR  one line
-- param: claimed_by VARCHAR  'host:pid' of the process that trained it
UPDATE runs SET status = $status, error = $error, finished_at = now()::TIMESTAMP
WHERE run_id = $run_id AND status <> 'complete' AND (claimed_by IS NULL OR claimed_by = $claimed_by)
