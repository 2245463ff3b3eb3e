-- name: stats_arm_contrasts
-- description: The achieved contrast of every arm that has a complete run: the measure in the arm (mean and
--   SD) and the training part's scale (parent_sd), per intervention, dataset and arm (the newest arm of a name).
SELECT a.intervention, a.kind, a.dataset, a.arm, a.measure, a.measure_mean AS trait_mean,
       a.measure_sd AS trait_sd, a.parent_mean, a.parent_sd, a.n_real, a.n_fake
FROM arms AS a
WHERE a.arm_id IN (SELECT arm_id FROM runs WHERE status = 'complete')
QUALIFY row_number() OVER (PARTITION BY a.intervention, a.dataset, a.arm ORDER BY a.created_at DESC) = 1
ORDER BY a.intervention, a.dataset, a.arm
