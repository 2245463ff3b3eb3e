-- name: cross_dataset_summary
-- description: The cross-dataset matrix averaged over seeds and configurations: one row per
--   (architecture, model, tested dataset) with the mean, lowest and highest accuracy and AUC (fake =
--   positive) over complete runs on the test part, the number of runs, and the bootstrap interval
--   where a cell rests on a single run. model is the training dataset, or 'imported: FILE' for
--   imported weights (kind 'imported', train_dataset NULL). in_domain marks the diagonal. runs_learned and
--   runs_not_learned count the runs whose validation check said they learned or did not (the rest: unknown).
-- param: metric_part VARCHAR = test  evaluated part ('test' or 'all')
WITH cells AS (
    SELECT r.kind, r.arch, r.train_dataset,
           coalesce(r.train_dataset, 'imported: ' || coalesce(json_extract_string(r.config, '$.source'), r.run_id)) AS model,
           m.dataset AS test_dataset, r.run_id, r.learned,
           max(m.value) FILTER (WHERE m.metric = 'accuracy') AS accuracy,
           max(m.ci_low) FILTER (WHERE m.metric = 'accuracy') AS accuracy_ci_low,
           max(m.ci_high) FILTER (WHERE m.metric = 'accuracy') AS accuracy_ci_high,
           max(m.value) FILTER (WHERE m.metric = 'auc') AS auc,
           max(m.ci_low) FILTER (WHERE m.metric = 'auc') AS auc_ci_low,
           max(m.ci_high) FILTER (WHERE m.metric = 'auc') AS auc_ci_high,
           max(m.n) FILTER (WHERE m.metric = 'accuracy') AS n_images
    FROM metrics AS m
    JOIN runs AS r USING (run_id)
    WHERE r.kind IN ('trained', 'imported') AND r.status = 'complete' AND m.level = 'image' AND m.part = $metric_part
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
       max(n_images) AS n_images
FROM cells
GROUP BY kind, arch, model, train_dataset, test_dataset
ORDER BY kind DESC, arch, model, test_dataset
