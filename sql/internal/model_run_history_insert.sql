-- name: model_run_history_insert
-- description: Insert a run's training curves from run_history_rows.
-- input: run_history_rows  run_id, epoch, part, metric, value
INSERT INTO run_history BY NAME SELECT * FROM run_history_rows
