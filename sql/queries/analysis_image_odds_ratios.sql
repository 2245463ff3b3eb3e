-- name: analysis_image_odds_ratios
-- description: Image level: odds ratio of a correct call per SD of each image descriptor (GEE, clustered by image
--   or group, fixed effects for run and dataset).
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'traits' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'traits' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
)
SELECT r.row_index,
       max(r.text) FILTER (WHERE r.column_name = 'term') AS term,
       max(r.number) FILTER (WHERE r.column_name = 'odds_ratio') AS odds_ratio,
       max(r.number) FILTER (WHERE r.column_name = 'ci_low') AS ci_low,
       max(r.number) FILTER (WHERE r.column_name = 'ci_high') AS ci_high,
       max(r.number) FILTER (WHERE r.column_name = 'coefficient') AS coefficient,
       max(r.number) FILTER (WHERE r.column_name = 'std_error') AS std_error,
       max(r.number) FILTER (WHERE r.column_name = 'p_value') AS p_value,
       max(r.number) FILTER (WHERE r.column_name = 'predictor_sd') AS predictor_sd,
       max(r.number) FILTER (WHERE r.column_name = 'vif') AS vif,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_rows') AS BIGINT) AS n_rows,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_clusters') AS BIGINT) AS n_clusters,
       max(r.text) FILTER (WHERE r.column_name = 'note') AS note
FROM analysis_results AS r
JOIN chosen USING (analysis_id)
WHERE r.result = 'image_odds_ratios'
GROUP BY r.row_index
ORDER BY r.row_index
