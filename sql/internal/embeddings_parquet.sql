-- name: embeddings_parquet
-- description: Read a Parquet file of user-supplied image embeddings (traits --embeddings).
-- param: path VARCHAR  embeddings file
SELECT * FROM read_parquet($path)
