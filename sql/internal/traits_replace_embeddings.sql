-- name: traits_replace_embeddings
-- description: Replace the embedding of the method in the registered frame traits_embedding_rows
--   (method, image_id, x, y, params) with its rows.
DELETE FROM embeddings WHERE method IN (SELECT DISTINCT method FROM traits_embedding_rows);
INSERT INTO embeddings BY NAME SELECT method, image_id, x, y, params FROM traits_embedding_rows;
