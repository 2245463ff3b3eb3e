-- name: analysis_learned_sensitivity
-- description: The ranking's point scores from every run beside those from the runs that learned only
--   (validation check), with both ranks: whether runs that stayed at chance change the order.
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'ranking' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'ranking' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
)
SELECT r.row_index,
       max(r.text) FILTER (WHERE r.column_name = 'metric') AS metric,
       max(r.text) FILTER (WHERE r.column_name = 'scope') AS scope,
       max(r.text) FILTER (WHERE r.column_name = 'train_dataset') AS train_dataset,
       max(r.number) FILTER (WHERE r.column_name = 'estimate_all') AS estimate_all,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'rank_all') AS BIGINT) AS rank_all,
       max(r.number) FILTER (WHERE r.column_name = 'estimate_learned') AS estimate_learned,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'rank_learned') AS BIGINT) AS rank_learned,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_runs') AS BIGINT) AS n_runs,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_learned') AS BIGINT) AS n_learned
FROM analysis_results AS r
JOIN chosen USING (analysis_id)
WHERE r.result = 'learned_sensitivity'
GROUP BY r.row_index
ORDER BY r.row_index
