-- name: traits_embedding_params
-- description: The settings stored with an embedding method (one JSON text per distinct value).
-- param: method VARCHAR  embedding method, e.g. 'umap_descriptors'
SELECT DISTINCT params FROM embeddings WHERE method = $method
