-- name: ingest_insert_sources
-- description: Insert the sources rows of the registered frame ingest_sources.
INSERT INTO sources BY NAME SELECT * FROM ingest_sources
