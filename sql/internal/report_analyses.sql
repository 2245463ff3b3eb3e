-- name: report_analyses
-- description: The newest analysis of each name with its parameters, seed and versions.
SELECT name, analysis_id, params, seed, package_version, library_versions, created_at
FROM analyses
QUALIFY row_number() OVER (PARTITION BY name ORDER BY created_at DESC, analysis_id DESC) = 1
ORDER BY name
