-- name: model_dataset_files
-- description: Whether a dataset is registered and how many of its files were indexed (usable or not).
-- param: dataset VARCHAR  dataset name
SELECT count(*) FILTER (WHERE d.dataset IS NOT NULL) AS registered,
       (SELECT count(*) FROM images WHERE dataset = $dataset) AS files
FROM (SELECT 1) AS one
LEFT JOIN datasets AS d ON d.dataset = $dataset
