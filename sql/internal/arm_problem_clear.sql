-- name: arm_problem_clear
-- description: Forget why an intervention had no arms on a dataset (its arms were drawn since).
-- param: intervention VARCHAR  the intervention's name
-- param: dataset VARCHAR  dataset name
DELETE FROM arm_problems WHERE intervention = $intervention AND dataset = $dataset
