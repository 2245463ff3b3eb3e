-- name: stats_runs
-- description: Runs that count for the statistics: trained (not imported) and complete, with whether each
--   learned ('true', 'false', 'unknown'; 'unknown' for runs trained before the check).
SELECT run_id, train_dataset, coalesce(config_name, 'default') AS config_name, seed,
       coalesce(learned, 'unknown') AS learned
FROM runs
WHERE kind = 'trained' AND status = 'complete' AND train_dataset IS NOT NULL
ORDER BY train_dataset, config_name, seed, run_id
