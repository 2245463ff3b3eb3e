-- name: ingest_problems
-- description: Files that were rejected (with the reason) or converted to 8-bit RGB when read, and
--   videos or photos whose face crops are partial or missing (kind 'video' or 'image' source).
-- param: dataset VARCHAR = NULL  only this dataset (default: all)
SELECT dataset, rel_path, 'file' AS kind, status, reason, format, mode, width, height, byte_size
FROM images
WHERE status <> 'ok' AND ($dataset IS NULL OR dataset = $dataset)
UNION ALL
SELECT dataset, rel_path, kind || ' source' AS kind, status, reason, codec AS format, NULL AS mode, width, height, byte_size
FROM sources
WHERE status <> 'ok' AND ($dataset IS NULL OR dataset = $dataset)
ORDER BY dataset, status DESC, rel_path
