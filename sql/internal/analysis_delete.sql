-- name: analysis_delete
-- description: Remove one analysis' provenance row (its cells go first, with analysis_delete_results).
-- param: analysis_id VARCHAR  the analysis
DELETE FROM analyses WHERE analysis_id = $analysis_id
