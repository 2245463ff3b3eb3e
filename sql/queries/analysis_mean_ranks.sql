-- name: analysis_mean_ranks
-- description: Mean within-block rank of each training dataset (1 = best), as the critical difference diagram shows
--   it.
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'ranking' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'ranking' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
)
SELECT r.row_index,
       max(r.text) FILTER (WHERE r.column_name = 'metric') AS metric,
       max(r.text) FILTER (WHERE r.column_name = 'treatment') AS treatment,
       max(r.number) FILTER (WHERE r.column_name = 'mean_rank') AS mean_rank,
       max(r.number) FILTER (WHERE r.column_name = 'mean_score') AS mean_score,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_blocks') AS BIGINT) AS n_blocks
FROM analysis_results AS r
JOIN chosen USING (analysis_id)
WHERE r.result = 'mean_ranks'
GROUP BY r.row_index
ORDER BY r.row_index
