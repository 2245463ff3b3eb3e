-- name: model_runs_complete
-- description: Every complete run (trained or imported), oldest first.
SELECT * FROM runs WHERE status = 'complete' ORDER BY started_at, run_id
