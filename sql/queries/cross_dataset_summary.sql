-- name: cross_dataset_summary
-- description: The cross-dataset matrix averaged over seeds and configurations: one row per
--   (architecture, model, tested dataset) with the mean, lowest and highest accuracy and AUC (fake =
--   positive) over complete runs on the test part, the number of runs, and the bootstrap interval
--   where a cell rests on a single run. model is the training dataset, or 'imported: FILE' for
--   imported weights (kind 'imported', train_dataset NULL). in_domain marks the diagonal. runs_learned and
--   runs_not_learned count the runs whose validation check said they learned or did not (the rest: unknown).
--   In-domain rows also carry the duplicate leakage of the test part their runs' splits were checked for
--   when drawn (split_leakage): test images with a copy or near-duplicate in training or validation
--   (test_leak_near, of test_leak_checked; test_leak_exact of them byte-identical) and the stored warning.
-- param: metric_part VARCHAR = test  evaluated part ('test' or 'all')
WITH cells AS (
    SELECT r.kind, r.arch, r.train_dataset,
           coalesce(r.train_dataset, 'imported: ' || coalesce(json_extract_string(r.config, '$.source'), r.run_id)) AS model,
           m.dataset AS test_dataset, r.run_id, r.learned, r.split_id,
           max(m.value) FILTER (WHERE m.metric = 'accuracy') AS accuracy,
           max(m.ci_low) FILTER (WHERE m.metric = 'accuracy') AS accuracy_ci_low,
           max(m.ci_high) FILTER (WHERE m.metric = 'accuracy') AS accuracy_ci_high,
           max(m.value) FILTER (WHERE m.metric = 'auc') AS auc,
           max(m.ci_low) FILTER (WHERE m.metric = 'auc') AS auc_ci_low,
           max(m.ci_high) FILTER (WHERE m.metric = 'auc') AS auc_ci_high,
           max(m.n) FILTER (WHERE m.metric = 'accuracy') AS n_images
    FROM metrics AS m
    JOIN runs AS r USING (run_id)
    WHERE r.kind IN ('trained', 'imported') AND r.status = 'complete' AND r.arm_id IS NULL AND m.level = 'image' AND m.part = $metric_part
    GROUP BY ALL
),
leakage AS (  -- each in-domain cell's distinct training splits and the leakage of their test parts
    SELECT c.kind, c.arch, c.model, c.test_dataset,
           sum(l.near) AS test_leak_near, sum(l.exact) AS test_leak_exact, sum(l.n_images) AS test_leak_checked,
           sum(l.near) / nullif(sum(l.n_images), 0) AS test_leak_share,
           string_agg(l.warning, '; ' ORDER BY l.split_id) AS test_leak_warning
    FROM (SELECT DISTINCT kind, arch, model, test_dataset, split_id FROM cells WHERE train_dataset = test_dataset) AS c
    JOIN split_leakage AS l ON l.split_id = c.split_id AND l.part = 'test'
    GROUP BY ALL
)
SELECT kind, arch, model, train_dataset, test_dataset, coalesce(train_dataset = test_dataset, false) AS in_domain,
       count(*) AS runs,
       count(*) FILTER (WHERE learned = 'true') AS runs_learned,
       count(*) FILTER (WHERE learned = 'false') AS runs_not_learned,
       avg(accuracy) AS accuracy, min(accuracy) AS accuracy_min, max(accuracy) AS accuracy_max,
       CASE WHEN count(*) = 1 THEN any_value(accuracy_ci_low) END AS accuracy_ci_low,
       CASE WHEN count(*) = 1 THEN any_value(accuracy_ci_high) END AS accuracy_ci_high,
       avg(auc) AS auc, min(auc) AS auc_min, max(auc) AS auc_max,
       CASE WHEN count(*) = 1 THEN any_value(auc_ci_low) END AS auc_ci_low,
       CASE WHEN count(*) = 1 THEN any_value(auc_ci_high) END AS auc_ci_high,
       max(n_images) AS n_images,
       any_value(leakage.test_leak_near) AS test_leak_near, any_value(leakage.test_leak_exact) AS test_leak_exact,
       any_value(leakage.test_leak_checked) AS test_leak_checked, any_value(leakage.test_leak_share) AS test_leak_share,
       any_value(leakage.test_leak_warning) AS test_leak_warning
FROM cells
LEFT JOIN leakage USING (kind, arch, model, test_dataset)
GROUP BY kind, arch, model, train_dataset, test_dataset
ORDER BY kind DESC, arch, model, test_dataset
