-- name: runs
-- description: Trained and imported models: architecture, training dataset, split, configuration,
--   seed, status, whether the run learned (from its validation part: true, false or unknown, with the
--   validation AUC and its 95% interval), epochs, training time and throughput, where the weights are, and
--   arm_id for a run trained on a subset of its training part (an intervention's arm; query arms).
-- param: status VARCHAR = NULL  only runs with this status ('complete', 'running', 'failed')
SELECT run_id, kind, arch, train_dataset, split_id, config_name, seed, status, learned,
       round(learned_auc, 3) AS validation_auc, round(learned_ci_low, 3) AS validation_auc_ci_low,
       round(learned_ci_high, 3) AS validation_auc_ci_high, epochs_run,
       round(train_seconds, 1) AS train_seconds, round(images_per_second, 1) AS images_per_second,
       started_at, finished_at, weights_path, learned_reason, error, arm_id
FROM runs
WHERE $status IS NULL OR status = $status
ORDER BY started_at, run_id
