-- name: ingest_stale_counts
-- description: What was computed from the images in ingest_stale (removed, changed or relabelled at re-ingest):
--   splits holding them, runs trained on those splits, evaluations that scored them or were made by those runs,
--   and analyses whose inputs include the dataset.
-- input: ingest_stale  image_id
-- param: dataset VARCHAR  the re-ingested dataset
WITH stale_splits AS (
    SELECT DISTINCT split_id FROM split_members WHERE image_id IN (SELECT image_id FROM ingest_stale)
), stale_runs AS (
    SELECT run_id FROM runs WHERE kind = 'trained' AND split_id IN (SELECT split_id FROM stale_splits)
), stale_evaluations AS (
    SELECT DISTINCT run_id, dataset, part FROM predictions WHERE image_id IN (SELECT image_id FROM ingest_stale)
    UNION
    SELECT run_id, dataset, part FROM evaluations WHERE run_id IN (SELECT run_id FROM stale_runs)
)
SELECT (SELECT count(*) FROM stale_splits) AS splits,
       (SELECT count(*) FROM partitions WHERE split_id IN (SELECT split_id FROM stale_splits)) AS partitions,
       (SELECT count(*) FROM stale_runs) AS runs,
       (SELECT count(*) FROM stale_evaluations) AS evaluations,
       (SELECT count(*) FROM analyses
        WHERE list_contains(CAST(json_extract(inputs, '$.datasets') AS VARCHAR[]), $dataset)) AS analyses
