-- name: manifest_parquet
-- description: Read a Parquet manifest.
-- param: path VARCHAR  manifest file
SELECT * FROM read_parquet($path)
