-- name: traits_face_descriptors
-- description: The face descriptor of every usable image of one dataset that has one, in image order.
-- param: dataset VARCHAR  dataset name
SELECT i.image_id, i.label, f.descriptor
FROM images AS i
JOIN face_descriptors AS f USING (content_hash)
WHERE i.dataset = $dataset AND i.status <> 'rejected'
ORDER BY i.image_id
