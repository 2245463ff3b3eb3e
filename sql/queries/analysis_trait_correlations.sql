-- name: analysis_trait_correlations
-- description: Dataset level: correlation of each dataset trait with the generalization score (Pearson, Spearman,
--   Kendall) with bootstrap interval, permutation p, BH q and the minimum detectable correlation.
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'traits' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'traits' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
)
SELECT r.row_index,
       max(r.text) FILTER (WHERE r.column_name = 'trait') AS trait,
       max(r.text) FILTER (WHERE r.column_name = 'method') AS method,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n') AS BIGINT) AS n,
       max(r.number) FILTER (WHERE r.column_name = 'r') AS r,
       max(r.number) FILTER (WHERE r.column_name = 'ci_low') AS ci_low,
       max(r.number) FILTER (WHERE r.column_name = 'ci_high') AS ci_high,
       max(r.number) FILTER (WHERE r.column_name = 'p_value') AS p_value,
       max(r.number) FILTER (WHERE r.column_name = 'p_permutation') AS p_permutation,
       max(r.number) FILTER (WHERE r.column_name = 'q_value') AS q_value,
       max(r.number) FILTER (WHERE r.column_name = 'critical_r') AS critical_r,
       max(r.number) FILTER (WHERE r.column_name = 'min_detectable_r') AS min_detectable_r,
       max(r.text) FILTER (WHERE r.column_name = 'note') AS note
FROM analysis_results AS r
JOIN chosen USING (analysis_id)
WHERE r.result = 'trait_correlations'
GROUP BY r.row_index
ORDER BY r.row_index
