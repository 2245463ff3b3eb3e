-- name: ingest_delete_sources
-- description: Drop a dataset's rows in sources (videos and photos cut into face crops) before they are rewritten.
-- param: dataset VARCHAR  dataset name
DELETE FROM sources WHERE dataset = $dataset
