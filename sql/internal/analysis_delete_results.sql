-- name: analysis_delete_results
-- description: Remove the result cells of one analysis (before writing it again).
-- param: analysis_id VARCHAR  the analysis
DELETE FROM analysis_results WHERE analysis_id = $analysis_id
