-- name: stats_pair_traits
-- description: Distances and similarities between datasets (one row per ordered or unordered pair).
SELECT dataset_a, dataset_b, trait, value
FROM dataset_pair_traits
WHERE dataset_a <> dataset_b
ORDER BY trait, dataset_a, dataset_b
