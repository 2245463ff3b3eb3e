-- name: traits_replace_pair_traits
-- description: Replace the dataset-pair traits of the pairs in traits_pair_rows with its rows.
-- input: traits_pair_rows  dataset_a, dataset_b, trait, value, n_a, n_b, params
DELETE FROM dataset_pair_traits
WHERE (dataset_a, dataset_b) IN (SELECT DISTINCT dataset_a, dataset_b FROM traits_pair_rows);
INSERT INTO dataset_pair_traits BY NAME
SELECT dataset_a, dataset_b, trait, value, n_a, n_b, params, now()::TIMESTAMP AS computed_at FROM traits_pair_rows;
