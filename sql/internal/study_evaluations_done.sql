-- name: study_evaluations_done
-- description: Runs already evaluated on the test part of one split of one dataset.
-- param: dataset VARCHAR  evaluated dataset
-- param: split_id VARCHAR  the split whose test part was scored
SELECT run_id FROM evaluations WHERE dataset = $dataset AND part = 'test' AND split_id = $split_id
