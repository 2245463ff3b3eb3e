-- name: stats_runs
-- description: Runs that count for the statistics: trained (not imported) and complete.
SELECT run_id, train_dataset, coalesce(config_name, 'default') AS config_name, seed
FROM runs
WHERE kind = 'trained' AND status = 'complete' AND train_dataset IS NOT NULL
ORDER BY train_dataset, config_name, seed, run_id
