-- name: arms
-- description: The arms of controlled-subset experiments (python -m dsanalysis intervene, a study's
--   [interventions]): per arm its intervention, dataset, split, images per class, the achieved contrast
--   (the measure in the arm and over the whole training part) and how many of its runs are complete.
-- param: dataset VARCHAR = NULL  only arms of this dataset
SELECT a.intervention, a.kind, a.dataset, a.arm, a.trait, round(a.fraction, 4) AS fraction, a.n_real, a.n_fake,
       a.measure, a.measure_mean, a.measure_sd, a.parent_mean, a.parent_sd, a.seed AS subset_seed,
       count(r.run_id) FILTER (WHERE r.status = 'complete') AS complete_runs, a.arm_id, a.split_id
FROM arms AS a
LEFT JOIN runs AS r USING (arm_id)
WHERE $dataset IS NULL OR a.dataset = $dataset
GROUP BY ALL
ORDER BY a.intervention, a.dataset, a.arm
