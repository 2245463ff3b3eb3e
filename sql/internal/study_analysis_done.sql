-- name: study_analysis_done
-- description: The newest analysis of a name with exactly these settings, and when it was made (no row if none).
-- param: analysis_name VARCHAR  'ranking', 'traits' or 'subgroups'
-- param: params VARCHAR  the analysis' settings as JSON (sorted keys), as stored
SELECT analysis_id, created_at FROM analyses
WHERE name = $analysis_name AND params = $params
ORDER BY created_at DESC
LIMIT 1
