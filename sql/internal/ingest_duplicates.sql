-- name: ingest_duplicates
-- description: Files of one dataset whose exact content (SHA-256) appears at another path, in this or another dataset,
--   with both files' labels (different labels: the same bytes filed as real and as fake).
-- param: dataset VARCHAR  dataset name
SELECT a.rel_path, b.dataset AS other_dataset, b.rel_path AS other_path, a.label, b.label AS other_label
FROM images AS a
JOIN images AS b ON a.content_hash = b.content_hash AND a.image_id <> b.image_id
WHERE a.dataset = $dataset AND a.status <> 'rejected' AND b.status <> 'rejected'
ORDER BY other_dataset = $dataset DESC, a.rel_path, other_dataset, other_path
