-- name: dataset_traits
-- description: Per-dataset traits (size, balance, descriptor summaries, diversity, real-vs-fake differences)
--   with bootstrap intervals and the number of images each rests on.
-- param: dataset VARCHAR = NULL  only this dataset (default: all)
-- param: trait_like VARCHAR = NULL  only traits matching this LIKE pattern, e.g. 'sharpness.%'
-- param: class VARCHAR = NULL  only this class: all, real or fake
SELECT dataset, trait, class, value, ci_low, ci_high, n, params, computed_at
FROM dataset_traits
WHERE ($dataset IS NULL OR dataset = $dataset)
  AND ($trait_like IS NULL OR trait LIKE $trait_like)
  AND ($class IS NULL OR class = $class)
ORDER BY dataset, trait, class
