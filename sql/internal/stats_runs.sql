-- name: stats_runs
-- description: Runs that count for the statistics: trained (not imported) and complete, with whether each
--   learned ('true', 'false', 'unknown'; 'unknown' for runs trained before the check).
-- param: arm VARCHAR = NULL  runs on whole training parts (NULL), or runs on the newest intervention arms named so ('matched')
SELECT run_id, train_dataset, coalesce(config_name, 'default') AS config_name, seed,
       coalesce(learned, 'unknown') AS learned
FROM runs
WHERE kind = 'trained' AND status = 'complete' AND train_dataset IS NOT NULL AND (($arm IS NULL AND arm_id IS NULL) OR arm_id IN (SELECT arm_id FROM arms WHERE arm = $arm
    QUALIFY row_number() OVER (PARTITION BY intervention, dataset, arm ORDER BY created_at DESC) = 1))
ORDER BY train_dataset, config_name, seed, run_id
