-- name: manifest_csv
-- description: Read a CSV manifest with every column as text (labels and ids are not numbers).
-- param: path VARCHAR  manifest file
SELECT * FROM read_csv($path, all_varchar = true, header = true)
