-- name: ingest_insert_sources
-- description: Insert the sources rows of ingest_sources.
-- input: ingest_sources  sources rows
INSERT INTO sources BY NAME SELECT * FROM ingest_sources
