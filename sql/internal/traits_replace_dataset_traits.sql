-- name: traits_replace_dataset_traits
-- description: Replace all per-dataset traits of the datasets in traits_dataset_rows with its rows.
-- input: traits_dataset_rows  dataset, trait, class, value, ci_low, ci_high, n, params
DELETE FROM dataset_traits WHERE dataset IN (SELECT DISTINCT dataset FROM traits_dataset_rows);
INSERT INTO dataset_traits BY NAME
SELECT dataset, trait, class, value, ci_low, ci_high, n, params, now()::TIMESTAMP AS computed_at FROM traits_dataset_rows;
