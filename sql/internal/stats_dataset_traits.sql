-- name: stats_dataset_traits
-- description: Numeric per-dataset traits of one class ('all', 'real' or 'fake').
-- param: trait_class VARCHAR = all  which class's traits
SELECT dataset, trait, value, n
FROM dataset_traits
WHERE class = $trait_class
ORDER BY dataset, trait
