-- name: model_run_start
-- description: Record a run as 'running' from run_row, dropping whatever an earlier attempt of the same
--   run id left (history, evaluations, predictions, metrics).
-- input: run_row  one runs row
DELETE FROM run_history WHERE run_id IN (SELECT run_id FROM run_row);
DELETE FROM predictions WHERE run_id IN (SELECT run_id FROM run_row);
DELETE FROM metrics WHERE run_id IN (SELECT run_id FROM run_row);
DELETE FROM evaluations WHERE run_id IN (SELECT run_id FROM run_row);
DELETE FROM runs WHERE run_id IN (SELECT run_id FROM run_row);
INSERT INTO runs BY NAME SELECT * FROM run_row;
