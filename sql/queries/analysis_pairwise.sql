-- name: analysis_pairwise
-- description: Every pair of training datasets: Nemenyi test and critical difference, Wilcoxon signed-rank with
--   Holm correction, effect sizes.
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'ranking' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'ranking' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
)
SELECT r.row_index,
       max(r.text) FILTER (WHERE r.column_name = 'metric') AS metric,
       max(r.text) FILTER (WHERE r.column_name = 'treatment_a') AS treatment_a,
       max(r.text) FILTER (WHERE r.column_name = 'treatment_b') AS treatment_b,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_blocks') AS BIGINT) AS n_blocks,
       max(r.number) FILTER (WHERE r.column_name = 'mean_rank_a') AS mean_rank_a,
       max(r.number) FILTER (WHERE r.column_name = 'mean_rank_b') AS mean_rank_b,
       max(r.number) FILTER (WHERE r.column_name = 'rank_difference') AS rank_difference,
       max(r.number) FILTER (WHERE r.column_name = 'critical_difference') AS critical_difference,
       max(r.number) FILTER (WHERE r.column_name = 'nemenyi_p') AS nemenyi_p,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'nemenyi_significant') AS BOOLEAN) AS nemenyi_significant,
       max(r.number) FILTER (WHERE r.column_name = 'mean_difference') AS mean_difference,
       max(r.number) FILTER (WHERE r.column_name = 'median_difference') AS median_difference,
       max(r.number) FILTER (WHERE r.column_name = 'wilcoxon_statistic') AS wilcoxon_statistic,
       max(r.number) FILTER (WHERE r.column_name = 'wilcoxon_p') AS wilcoxon_p,
       max(r.number) FILTER (WHERE r.column_name = 'wilcoxon_p_holm') AS wilcoxon_p_holm,
       max(r.number) FILTER (WHERE r.column_name = 'rank_biserial') AS rank_biserial,
       max(r.text) FILTER (WHERE r.column_name = 'note') AS note
FROM analysis_results AS r
JOIN chosen USING (analysis_id)
WHERE r.result = 'pairwise'
GROUP BY r.row_index
ORDER BY r.row_index
