-- name: analyses
-- description: Every stored statistical analysis with its settings, inputs, seed and versions, newest first.
-- param: analysis_name VARCHAR = NULL  only analyses of this name ('ranking', 'traits', 'subgroups')
SELECT analysis_id, name, created_at, seed, params, inputs, package_version, library_versions
FROM analyses
WHERE $analysis_name IS NULL OR name = $analysis_name
ORDER BY created_at DESC, analysis_id
