-- name: analysis_cells
-- description: The cells of one result table of an analysis, in row and column order.
-- param: analysis_id VARCHAR  the analysis
-- param: result VARCHAR  the result table within it
SELECT row_index, column_index, column_name, number, text
FROM analysis_results
WHERE analysis_id = $analysis_id AND result = $result
ORDER BY row_index, column_index
