-- name: image_traits
-- description: Per-image descriptors of usable images with their dataset, path and label; missing values
--   carry their reason.
-- param: dataset VARCHAR = NULL  only this dataset (default: all)
-- param: trait VARCHAR = NULL  only this descriptor (default: all)
SELECT i.dataset, i.image_id, i.rel_path, i.label, t.extractor, t.trait, t.value, t.category, t.missing_reason
FROM images AS i
JOIN image_traits AS t USING (content_hash)
WHERE i.status <> 'rejected'
  AND ($dataset IS NULL OR i.dataset = $dataset)
  AND ($trait IS NULL OR t.trait = $trait)
ORDER BY i.dataset, i.image_id, t.extractor, t.trait
