-- name: dataset_pair_traits
-- description: Distances between datasets' descriptor distributions (Frechet distance, MMD) and
--   precision/recall/density/coverage of dataset_b against dataset_a.
-- param: trait VARCHAR = NULL  only this trait (default: all)
SELECT dataset_a, dataset_b, trait, value, n_a, n_b, params, computed_at
FROM dataset_pair_traits
WHERE ($trait IS NULL OR trait = $trait)
ORDER BY trait, dataset_a, dataset_b
