-- name: cross_dataset_matrix
-- description: The cross-dataset matrix: one row per (architecture, training dataset, seed, tested
--   dataset) with image-level accuracy, per-class accuracies, AUC (fake = positive) and their 95%
--   bootstrap intervals, on the test part of each dataset. in_domain marks the diagonal.
-- param: metric_part VARCHAR = test  evaluated part ('test' or 'all')
SELECT r.arch, r.train_dataset, r.seed, m.dataset AS test_dataset,
       r.train_dataset = m.dataset AS in_domain,
       max(m.value) FILTER (WHERE m.metric = 'accuracy') AS accuracy,
       max(m.ci_low) FILTER (WHERE m.metric = 'accuracy') AS accuracy_ci_low,
       max(m.ci_high) FILTER (WHERE m.metric = 'accuracy') AS accuracy_ci_high,
       max(m.value) FILTER (WHERE m.metric = 'accuracy_fake') AS accuracy_fake,
       max(m.value) FILTER (WHERE m.metric = 'accuracy_real') AS accuracy_real,
       max(m.value) FILTER (WHERE m.metric = 'auc') AS auc,
       max(m.ci_low) FILTER (WHERE m.metric = 'auc') AS auc_ci_low,
       max(m.ci_high) FILTER (WHERE m.metric = 'auc') AS auc_ci_high,
       max(m.n) FILTER (WHERE m.metric = 'accuracy') AS n_images,
       r.run_id
FROM metrics AS m
JOIN runs AS r USING (run_id)
WHERE r.kind = 'trained' AND r.status = 'complete' AND m.level = 'image' AND m.part = $metric_part
GROUP BY r.arch, r.train_dataset, r.seed, m.dataset, r.run_id
ORDER BY r.arch, r.train_dataset, r.seed, m.dataset
