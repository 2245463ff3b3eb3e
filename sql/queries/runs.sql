-- name: runs
-- description: Trained and imported models: architecture, training dataset, split, configuration,
--   seed, status, epochs, training time and throughput, and where the weights are.
-- param: status VARCHAR = NULL  only runs with this status ('complete', 'running', 'failed')
SELECT run_id, kind, arch, train_dataset, split_id, config_name, seed, status, epochs_run,
       round(train_seconds, 1) AS train_seconds, round(images_per_second, 1) AS images_per_second,
       started_at, finished_at, weights_path, error
FROM runs
WHERE $status IS NULL OR status = $status
ORDER BY started_at, run_id
