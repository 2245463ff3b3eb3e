-- name: analysis_subgroup_metrics
-- description: Accuracy, AUC, FPR and FNR per subgroup (ITA, quality bins, user attributes) with intervals, per
--   training and evaluated dataset: each run's metric averaged over the runs (n_runs), as in the cross-dataset
--   matrix; in_domain marks rows whose model was trained on the evaluated dataset (listed first).
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'subgroups' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'subgroups' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
)
SELECT r.row_index,
       max(r.text) FILTER (WHERE r.column_name = 'train_dataset') AS train_dataset,
       max(r.text) FILTER (WHERE r.column_name = 'eval_dataset') AS eval_dataset,
       max(r.number) FILTER (WHERE r.column_name = 'in_domain') = 1 AS in_domain,
       max(r.text) FILTER (WHERE r.column_name = 'attribute') AS attribute,
       max(r.text) FILTER (WHERE r.column_name = 'subgroup') AS subgroup,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n') AS BIGINT) AS n,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_real') AS BIGINT) AS n_real,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_fake') AS BIGINT) AS n_fake,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_runs') AS BIGINT) AS n_runs,
       max(r.text) FILTER (WHERE r.column_name = 'metric') AS metric,
       max(r.number) FILTER (WHERE r.column_name = 'value') AS value,
       max(r.number) FILTER (WHERE r.column_name = 'ci_low') AS ci_low,
       max(r.number) FILTER (WHERE r.column_name = 'ci_high') AS ci_high,
       max(r.text) FILTER (WHERE r.column_name = 'note') AS note
FROM analysis_results AS r
JOIN chosen USING (analysis_id)
WHERE r.result = 'subgroup_metrics'
GROUP BY r.row_index
ORDER BY r.row_index
