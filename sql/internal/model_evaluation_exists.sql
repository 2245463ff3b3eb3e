-- name: model_evaluation_exists
-- description: The stored evaluation of a run on a part of a dataset, if any.
-- param: run_id VARCHAR  run key
-- param: dataset VARCHAR  evaluated dataset
-- param: part VARCHAR  'test' or 'all'
SELECT * FROM evaluations WHERE run_id = $run_id AND dataset = $dataset AND part = $part
