-- name: analysis_profile
-- description: Traits of the top-ranking versus the bottom-ranking datasets, as standardized differences.
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'traits' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'traits' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
)
SELECT r.row_index,
       max(r.text) FILTER (WHERE r.column_name = 'trait') AS trait,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_top') AS BIGINT) AS n_top,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_bottom') AS BIGINT) AS n_bottom,
       max(r.number) FILTER (WHERE r.column_name = 'mean_top') AS mean_top,
       max(r.number) FILTER (WHERE r.column_name = 'mean_bottom') AS mean_bottom,
       max(r.number) FILTER (WHERE r.column_name = 'difference') AS difference,
       max(r.number) FILTER (WHERE r.column_name = 'trait_sd') AS trait_sd,
       max(r.number) FILTER (WHERE r.column_name = 'standardized_difference') AS standardized_difference,
       max(r.text) FILTER (WHERE r.column_name = 'top_datasets') AS top_datasets,
       max(r.text) FILTER (WHERE r.column_name = 'bottom_datasets') AS bottom_datasets,
       max(r.text) FILTER (WHERE r.column_name = 'note') AS note
FROM analysis_results AS r
JOIN chosen USING (analysis_id)
WHERE r.result = 'profile'
GROUP BY r.row_index
ORDER BY r.row_index
