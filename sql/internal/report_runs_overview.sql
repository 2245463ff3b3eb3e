-- name: report_runs_overview
-- description: Trained models per architecture and configuration: how many runs, which seeds and
--   training datasets, and how many are not complete (running or failed).
SELECT arch,
       config_name,
       any_value(config) AS config,
       count(*) FILTER (WHERE status = 'complete') AS complete_runs,
       count(*) FILTER (WHERE status <> 'complete') AS incomplete_runs,
       string_agg(DISTINCT seed::VARCHAR, ', ' ORDER BY seed::VARCHAR) AS seeds,
       string_agg(DISTINCT train_dataset, ', ' ORDER BY train_dataset) AS train_datasets
FROM runs
WHERE kind = 'trained' AND arm_id IS NULL
GROUP BY arch, config_name
ORDER BY arch, config_name
