-- name: stats_arm_problems
-- description: Interventions without arms on a dataset, and why (as of the last attempt).
SELECT intervention, dataset, reason FROM arm_problems ORDER BY intervention, dataset
