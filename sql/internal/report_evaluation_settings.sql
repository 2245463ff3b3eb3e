-- name: report_evaluation_settings
-- description: The distinct evaluation settings used (resize method and the evaluation parameters JSON).
SELECT resize, params, count(*) AS evaluations
FROM evaluations
GROUP BY resize, params
ORDER BY evaluations DESC
