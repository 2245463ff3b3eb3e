-- name: ingest_invalidate
-- description: Drop what was computed from the images in ingest_stale (removed, changed or relabelled at
--   re-ingest), so nothing refers to an image that is gone: splits holding them (and a partition that is one of
--   them), evaluations that scored them or were made by runs trained on those splits (predictions, metrics), the
--   embeddings of those images; runs trained on those splits become 'stale' (their weights and history are kept,
--   with the reason). Also the dataset's traits and pair traits, and every analysis whose inputs include the
--   dataset, when its images changed at all. One script, so no bound parameters: ingest_stale_context says
--   what a parameter would.
-- input: ingest_stale  image_id
-- input: ingest_stale_context  one row: dataset, reason (why runs became stale), images_changed (any image changed)
CREATE OR REPLACE TEMP TABLE stale_splits AS
    SELECT DISTINCT split_id FROM split_members WHERE image_id IN (SELECT image_id FROM ingest_stale);
CREATE OR REPLACE TEMP TABLE stale_runs AS
    SELECT run_id FROM runs WHERE kind = 'trained' AND split_id IN (SELECT split_id FROM stale_splits);
CREATE OR REPLACE TEMP TABLE stale_evaluations AS
    SELECT DISTINCT run_id, dataset, part FROM predictions WHERE image_id IN (SELECT image_id FROM ingest_stale)
    UNION
    SELECT run_id, dataset, part FROM evaluations WHERE run_id IN (SELECT run_id FROM stale_runs);
DELETE FROM predictions AS p WHERE EXISTS (
    SELECT 1 FROM stale_evaluations AS s WHERE s.run_id = p.run_id AND s.dataset = p.dataset AND s.part = p.part);
DELETE FROM metrics AS m WHERE EXISTS (
    SELECT 1 FROM stale_evaluations AS s WHERE s.run_id = m.run_id AND s.dataset = m.dataset AND s.part = m.part);
DELETE FROM evaluations AS e WHERE EXISTS (
    SELECT 1 FROM stale_evaluations AS s WHERE s.run_id = e.run_id AND s.dataset = e.dataset AND s.part = e.part);
UPDATE runs SET status = 'stale', error = (SELECT reason FROM ingest_stale_context) WHERE run_id IN (SELECT run_id FROM stale_runs);
DELETE FROM partitions WHERE split_id IN (SELECT split_id FROM stale_splits);
DELETE FROM split_members WHERE split_id IN (SELECT split_id FROM stale_splits);
DELETE FROM splits WHERE split_id IN (SELECT split_id FROM stale_splits);
DELETE FROM embeddings WHERE image_id IN (SELECT image_id FROM ingest_stale);
CREATE OR REPLACE TEMP TABLE stale_analyses AS
    SELECT a.analysis_id FROM analyses AS a, ingest_stale_context AS c
    WHERE c.images_changed AND list_contains(CAST(json_extract(a.inputs, '$.datasets') AS VARCHAR[]), c.dataset);
DELETE FROM dataset_traits WHERE dataset IN (SELECT dataset FROM ingest_stale_context WHERE images_changed);
DELETE FROM dataset_pair_traits WHERE dataset_a IN (SELECT dataset FROM ingest_stale_context WHERE images_changed)
                                   OR dataset_b IN (SELECT dataset FROM ingest_stale_context WHERE images_changed);
DELETE FROM analysis_results WHERE analysis_id IN (SELECT analysis_id FROM stale_analyses);
DELETE FROM analyses WHERE analysis_id IN (SELECT analysis_id FROM stale_analyses);
DROP TABLE stale_splits;
DROP TABLE stale_runs;
DROP TABLE stale_evaluations;
DROP TABLE stale_analyses;
