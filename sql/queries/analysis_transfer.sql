-- name: analysis_transfer
-- description: Mean score of every training dataset on every evaluated dataset over its runs (the cross-dataset
--   matrix).
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'ranking' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'ranking' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
)
SELECT r.row_index,
       max(r.text) FILTER (WHERE r.column_name = 'train_dataset') AS train_dataset,
       max(r.text) FILTER (WHERE r.column_name = 'eval_dataset') AS eval_dataset,
       max(r.text) FILTER (WHERE r.column_name = 'metric') AS metric,
       max(r.number) FILTER (WHERE r.column_name = 'mean') AS mean,
       max(r.number) FILTER (WHERE r.column_name = 'sd') AS sd,
       max(r.number) FILTER (WHERE r.column_name = 'min') AS min,
       max(r.number) FILTER (WHERE r.column_name = 'max') AS max,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_runs') AS BIGINT) AS n_runs
FROM analysis_results AS r
JOIN chosen USING (analysis_id)
WHERE r.result = 'transfer'
GROUP BY r.row_index
ORDER BY r.row_index
