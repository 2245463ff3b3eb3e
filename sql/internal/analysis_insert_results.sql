-- name: analysis_insert_results
-- description: Insert the result cells of analysis_cells.
-- input: analysis_cells  analysis_id, result, row_index, column_index, column_name, number, text
INSERT INTO analysis_results BY NAME SELECT * FROM analysis_cells
