-- name: analysis_subgroup_gaps
-- description: Largest gap between subgroups of each attribute compared with size-matched random groups, with
--   the Benjamini-Hochberg q-value over every gap test of the analysis and whether the gap survives it
--   (q <= 1 - confidence); in_domain marks rows whose model was trained on the evaluated dataset (listed first).
--   A subgroup's value is each run's metric averaged over the runs (n_runs), for random groupings alike.
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
       max(r.text) FILTER (WHERE r.column_name = 'attribute') AS attribute,
       max(r.text) FILTER (WHERE r.column_name = 'metric') AS metric,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_subgroups') AS BIGINT) AS n_subgroups,
       max(r.text) FILTER (WHERE r.column_name = 'best_subgroup') AS best_subgroup,
       max(r.text) FILTER (WHERE r.column_name = 'worst_subgroup') AS worst_subgroup,
       max(r.number) FILTER (WHERE r.column_name = 'gap') AS gap,
       max(r.number) FILTER (WHERE r.column_name = 'random_gap_mean') AS random_gap_mean,
       max(r.number) FILTER (WHERE r.column_name = 'random_gap_95') AS random_gap_95,
       max(r.number) FILTER (WHERE r.column_name = 'p_value') AS p_value,
       max(r.number) FILTER (WHERE r.column_name = 'q_value') AS q_value,
       max(r.number) FILTER (WHERE r.column_name = 'survives_fdr') = 1 AS survives_fdr,
       max(r.number) FILTER (WHERE r.column_name = 'in_domain') = 1 AS in_domain,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_random') AS BIGINT) AS n_random,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_runs') AS BIGINT) AS n_runs,
       max(r.text) FILTER (WHERE r.column_name = 'note') AS note
FROM analysis_results AS r
JOIN chosen USING (analysis_id)
WHERE r.result = 'subgroup_gaps'
GROUP BY r.row_index
ORDER BY r.row_index
