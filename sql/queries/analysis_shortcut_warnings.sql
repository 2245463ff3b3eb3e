-- name: analysis_shortcut_warnings
-- description: Shortcut warnings, one sentence per dataset in which some descriptor alone separates the fakes
--   from the reals (separation >= threshold and an interval above 0.5; details: analysis_shortcuts). No row
--   means no warning.
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'shortcuts' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'shortcuts' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
)
SELECT max(r.text) FILTER (WHERE r.column_name = 'dataset') AS dataset,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_warnings') AS BIGINT) AS n_warnings,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_descriptors') AS BIGINT) AS n_descriptors,
       max(r.number) FILTER (WHERE r.column_name = 'threshold') AS threshold,
       max(r.number) FILTER (WHERE r.column_name = 'max_separation') AS max_separation,
       max(r.text) FILTER (WHERE r.column_name = 'message') AS message
FROM analysis_results AS r
JOIN chosen USING (analysis_id)
WHERE r.result = 'warnings'
GROUP BY r.row_index
ORDER BY r.row_index
