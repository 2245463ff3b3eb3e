-- name: cross_dataset_matrix
-- description: The cross-dataset matrix: one row per (model, tested dataset; models trained on whole training
--   parts, not on an intervention's arms) with image-level accuracy,
--   per-class accuracies, AUC (fake = positive) and their 95% bootstrap intervals, on the test part of
--   each dataset. model is the training dataset of a trained run, or 'imported: FILE' for imported
--   weights (kind 'imported': train_dataset and seed are NULL); in_domain marks the diagonal;
--   split_id is the split whose test part was scored (the tested dataset's partition, or the run's own
--   split on its training dataset); learned is the run's validation check ('true', 'false', 'unknown';
--   NULL for imported weights and runs trained before the check).
-- param: metric_part VARCHAR = test  evaluated part ('test' or 'all')
SELECT r.kind, r.arch,
       coalesce(r.train_dataset, 'imported: ' || coalesce(json_extract_string(r.config, '$.source'), r.run_id)) AS model,
       r.train_dataset, r.seed, m.dataset AS test_dataset,
       coalesce(r.train_dataset = m.dataset, false) AS in_domain,
       max(m.value) FILTER (WHERE m.metric = 'accuracy') AS accuracy,
       max(m.ci_low) FILTER (WHERE m.metric = 'accuracy') AS accuracy_ci_low,
       max(m.ci_high) FILTER (WHERE m.metric = 'accuracy') AS accuracy_ci_high,
       max(m.value) FILTER (WHERE m.metric = 'accuracy_fake') AS accuracy_fake,
       max(m.value) FILTER (WHERE m.metric = 'accuracy_real') AS accuracy_real,
       max(m.value) FILTER (WHERE m.metric = 'auc') AS auc,
       max(m.ci_low) FILTER (WHERE m.metric = 'auc') AS auc_ci_low,
       max(m.ci_high) FILTER (WHERE m.metric = 'auc') AS auc_ci_high,
       max(m.n) FILTER (WHERE m.metric = 'accuracy') AS n_images,
       any_value(e.split_id) AS split_id,
       r.learned,
       r.run_id
FROM metrics AS m
JOIN runs AS r USING (run_id)
JOIN evaluations AS e ON e.run_id = m.run_id AND e.dataset = m.dataset AND e.part = m.part
WHERE r.kind IN ('trained', 'imported') AND r.status = 'complete' AND r.arm_id IS NULL AND m.level = 'image' AND m.part = $metric_part
GROUP BY r.kind, r.arch, r.train_dataset, r.config, r.seed, m.dataset, r.learned, r.run_id
ORDER BY r.kind DESC, r.arch, model, r.seed, m.dataset
