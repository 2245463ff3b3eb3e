-- name: analysis_latest
-- description: The most recent analysis of one name.
-- param: analysis_name VARCHAR  'ranking', 'traits' or 'subgroups'
SELECT analysis_id, name, params, seed, inputs, created_at
FROM analyses
WHERE name = $analysis_name
ORDER BY created_at DESC, analysis_id
LIMIT 1
