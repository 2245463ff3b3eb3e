-- name: ingest_delete_images
-- description: Drop the image rows (and their attributes) listed in ingest_drop.
-- input: ingest_drop  image_id
DELETE FROM image_attributes WHERE image_id IN (SELECT image_id FROM ingest_drop);
DELETE FROM images WHERE image_id IN (SELECT image_id FROM ingest_drop);
