-- name: ingest_problems
-- description: Files that were rejected (with the reason) or converted to 8-bit RGB when read.
-- param: dataset VARCHAR = NULL  only this dataset (default: all)
SELECT dataset, rel_path, status, reason, format, mode, width, height, byte_size
FROM images
WHERE status <> 'ok' AND ($dataset IS NULL OR dataset = $dataset)
ORDER BY dataset, status DESC, rel_path
