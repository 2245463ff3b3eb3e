-- name: traits_replace_embeddings
-- description: Replace the embedding of the method in traits_embedding_rows with its rows.
-- input: traits_embedding_rows  method, image_id, x, y, params
DELETE FROM embeddings WHERE method IN (SELECT DISTINCT method FROM traits_embedding_rows);
INSERT INTO embeddings BY NAME SELECT method, image_id, x, y, params FROM traits_embedding_rows;
