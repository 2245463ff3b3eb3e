-- name: analysis_mantel
-- description: Pair level: Mantel permutation test between each distance matrix and the transfer loss (1 - score)
--   matrix.
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'traits' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'traits' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
)
SELECT r.row_index,
       max(r.text) FILTER (WHERE r.column_name = 'trait') AS trait,
       max(r.number) FILTER (WHERE r.column_name = 'r') AS r,
       max(r.number) FILTER (WHERE r.column_name = 'p_value') AS p_value,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_items') AS BIGINT) AS n_items,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_cells') AS BIGINT) AS n_cells,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_permutations') AS BIGINT) AS n_permutations,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'exact') AS BOOLEAN) AS exact,
       max(r.text) FILTER (WHERE r.column_name = 'method') AS method,
       max(r.text) FILTER (WHERE r.column_name = 'note') AS note
FROM analysis_results AS r
JOIN chosen USING (analysis_id)
WHERE r.result = 'mantel'
GROUP BY r.row_index
ORDER BY r.row_index
