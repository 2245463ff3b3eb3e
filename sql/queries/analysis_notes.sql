-- name: analysis_notes
-- description: What each newest analysis could not estimate, and why (fewer than 3 datasets, a missing
--   or constant trait, a single seed, undefined values), plus the dataset-level sample-size statement; kind says
--   which (not_estimable, caution, sample_size, multiplicity, sensitivity: dsanalysis/stats/notes.py).
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest analysis of each name)
WITH chosen AS (
    SELECT analysis_id, name FROM analyses
    WHERE $analysis_id IS NULL OR analysis_id = $analysis_id
    QUALIFY $analysis_id IS NOT NULL OR row_number() OVER (PARTITION BY name ORDER BY created_at DESC, analysis_id) = 1
)
SELECT c.name AS analysis,
       r.row_index,
       max(r.text) FILTER (WHERE r.column_name = 'section') AS section,
       max(r.text) FILTER (WHERE r.column_name = 'subject') AS subject,
       max(r.text) FILTER (WHERE r.column_name = 'kind') AS kind,
       max(r.text) FILTER (WHERE r.column_name = 'message') AS message
FROM analysis_results AS r
JOIN chosen AS c USING (analysis_id)
WHERE r.result = 'notes'
GROUP BY c.name, r.row_index
ORDER BY c.name, r.row_index
