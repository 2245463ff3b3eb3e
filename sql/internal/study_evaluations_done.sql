-- name: study_evaluations_done
-- description: Runs already evaluated on the test part of one dataset.
-- param: dataset VARCHAR  evaluated dataset
SELECT run_id FROM evaluations WHERE dataset = $dataset AND part = 'test'
