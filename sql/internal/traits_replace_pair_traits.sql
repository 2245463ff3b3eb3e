-- name: traits_replace_pair_traits
-- description: Replace the dataset-pair traits of the pairs in the registered frame traits_pair_rows
--   (dataset_a, dataset_b, trait, value, n_a, n_b, params) with its rows.
DELETE FROM dataset_pair_traits
WHERE (dataset_a, dataset_b) IN (SELECT DISTINCT dataset_a, dataset_b FROM traits_pair_rows);
INSERT INTO dataset_pair_traits BY NAME
SELECT dataset_a, dataset_b, trait, value, n_a, n_b, params, now()::TIMESTAMP AS computed_at FROM traits_pair_rows;
