-- name: stats_image_attributes
-- description: User-supplied per-image attributes (extra manifest columns) of every evaluated image.
SELECT a.image_id, 'user.' || a.name AS attribute, a.value AS category
FROM image_attributes AS a
WHERE a.image_id IN (SELECT image_id FROM predictions) AND a.value IS NOT NULL AND a.value <> ''
ORDER BY a.image_id, attribute
