-- name: stats_image_traits
-- description: Descriptors (numeric value or category) of every image some counted run was evaluated on,
--   joined through the image's content hash; the attribute is 'extractor.trait'.
SELECT DISTINCT i.image_id, t.extractor || '.' || t.trait AS attribute, t.value, t.category
FROM images AS i
JOIN image_traits AS t USING (content_hash)
WHERE i.image_id IN (SELECT image_id FROM predictions)
  AND (t.value IS NOT NULL OR t.category IS NOT NULL)
ORDER BY i.image_id, attribute
