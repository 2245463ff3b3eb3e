-- name: analysis_friedman
-- description: Friedman test over blocks (evaluated dataset x configuration x seed) that the training datasets rank
--   alike, with the Iman-Davenport F and Kendall's W.
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'ranking' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'ranking' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
)
SELECT r.row_index,
       max(r.text) FILTER (WHERE r.column_name = 'metric') AS metric,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_blocks') AS BIGINT) AS n_blocks,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_treatments') AS BIGINT) AS n_treatments,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_blocks_dropped') AS BIGINT) AS n_blocks_dropped,
       max(r.number) FILTER (WHERE r.column_name = 'statistic') AS statistic,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'df') AS BIGINT) AS df,
       max(r.number) FILTER (WHERE r.column_name = 'p_value') AS p_value,
       max(r.number) FILTER (WHERE r.column_name = 'iman_davenport_f') AS iman_davenport_f,
       max(r.number) FILTER (WHERE r.column_name = 'iman_davenport_p') AS iman_davenport_p,
       max(r.number) FILTER (WHERE r.column_name = 'kendall_w') AS kendall_w,
       max(r.text) FILTER (WHERE r.column_name = 'note') AS note
FROM analysis_results AS r
JOIN chosen USING (analysis_id)
WHERE r.result = 'friedman'
GROUP BY r.row_index
ORDER BY r.row_index
