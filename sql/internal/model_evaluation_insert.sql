-- name: model_evaluation_insert
-- description: Replace one evaluation (run, dataset, part) with evaluation_row, evaluation_predictions
--   and evaluation_metrics.
-- input: evaluation_row  one evaluations row without evaluated_at
-- input: evaluation_predictions  predictions rows
-- input: evaluation_metrics  metrics rows
DELETE FROM predictions AS t WHERE EXISTS (
    SELECT 1 FROM evaluation_row AS e WHERE e.run_id = t.run_id AND e.dataset = t.dataset AND e.part = t.part);
DELETE FROM metrics AS t WHERE EXISTS (
    SELECT 1 FROM evaluation_row AS e WHERE e.run_id = t.run_id AND e.dataset = t.dataset AND e.part = t.part);
DELETE FROM evaluations AS t WHERE EXISTS (
    SELECT 1 FROM evaluation_row AS e WHERE e.run_id = t.run_id AND e.dataset = t.dataset AND e.part = t.part);
INSERT INTO evaluations BY NAME SELECT *, now()::TIMESTAMP AS evaluated_at FROM evaluation_row;
INSERT INTO predictions BY NAME SELECT * FROM evaluation_predictions;
INSERT INTO metrics BY NAME SELECT * FROM evaluation_metrics;
