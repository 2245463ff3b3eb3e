-- name: report_embedding
-- description: The joint UMAP map with each image's dataset and label, for the report's map.
SELECT e.x, e.y, i.dataset, i.label, e.params
FROM embeddings AS e
JOIN images AS i USING (image_id)
WHERE e.method = 'umap_descriptors'
ORDER BY e.image_id
