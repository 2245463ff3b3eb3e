-- name: traits_image_values
-- description: Every stored descriptor of one dataset's usable images, in long form.
-- param: dataset VARCHAR  dataset name
SELECT i.image_id, t.extractor, t.trait, t.value, t.category, t.missing_reason
FROM images AS i
JOIN image_traits AS t USING (content_hash)
WHERE i.dataset = $dataset AND i.status <> 'rejected'
ORDER BY i.image_id, t.extractor, t.trait
