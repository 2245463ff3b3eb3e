-- name: arm_problem_set
-- description: Record why an intervention has no arms on a dataset (replacing an earlier reason).
-- param: intervention VARCHAR  the intervention's name
-- param: dataset VARCHAR  dataset name
-- param: reason VARCHAR  why the arms could not be drawn
-- param: params VARCHAR  JSON of the intervention's settings
INSERT OR REPLACE INTO arm_problems VALUES ($intervention, $dataset, $reason, $params, now()::TIMESTAMP)
