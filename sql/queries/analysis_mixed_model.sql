-- name: analysis_mixed_model
-- description: Linear mixed model of the score on training dataset with crossed random effects (evaluated dataset,
--   seed, configuration): model-based means, differences, joint test, variance components.
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'ranking' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'ranking' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
)
SELECT r.row_index,
       max(r.text) FILTER (WHERE r.column_name = 'metric') AS metric,
       max(r.text) FILTER (WHERE r.column_name = 'term') AS term,
       max(r.text) FILTER (WHERE r.column_name = 'kind') AS kind,
       max(r.number) FILTER (WHERE r.column_name = 'estimate') AS estimate,
       max(r.number) FILTER (WHERE r.column_name = 'std_error') AS std_error,
       max(r.number) FILTER (WHERE r.column_name = 'ci_low') AS ci_low,
       max(r.number) FILTER (WHERE r.column_name = 'ci_high') AS ci_high,
       max(r.number) FILTER (WHERE r.column_name = 'p_value') AS p_value,
       max(r.number) FILTER (WHERE r.column_name = 'share') AS share,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_levels') AS BIGINT) AS n_levels,
       max(r.text) FILTER (WHERE r.column_name = 'note') AS note
FROM analysis_results AS r
JOIN chosen USING (analysis_id)
WHERE r.result = 'mixed_model'
GROUP BY r.row_index
ORDER BY r.row_index
