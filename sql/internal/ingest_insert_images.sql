-- name: ingest_insert_images
-- description: Insert the rows of the registered frames ingest_rows (images) and ingest_attributes.
INSERT INTO images BY NAME SELECT *, now()::TIMESTAMP AS ingested_at FROM ingest_rows;
INSERT INTO image_attributes BY NAME SELECT * FROM ingest_attributes;
