-- name: study_latest_inputs
-- description: When the store's inputs to traits, analyses and the report last changed: the newest image ingest,
--   finished run, evaluation and dataset-trait computation (NULL where there is none).
SELECT (SELECT max(ingested_at) FROM images) AS images_at,
       (SELECT max(finished_at) FROM runs) AS runs_at,
       (SELECT max(evaluated_at) FROM evaluations) AS evaluations_at,
       (SELECT max(computed_at) FROM dataset_traits) AS traits_at,
       (SELECT max(created_at) FROM analyses) AS analyses_at
