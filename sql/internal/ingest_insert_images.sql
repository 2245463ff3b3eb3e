-- name: ingest_insert_images
-- description: Insert the rows of ingest_rows (images) and ingest_attributes.
-- input: ingest_rows  images rows without ingested_at
-- input: ingest_attributes  image_id, name, value
INSERT INTO images BY NAME SELECT *, now()::TIMESTAMP AS ingested_at FROM ingest_rows;
INSERT INTO image_attributes BY NAME SELECT * FROM ingest_attributes;
