-- name: near_duplicates
-- description: Near-duplicates within each dataset: the share of its images with a near-duplicate among its
--   other images, the confirmed pairs, and whether the dataset is flagged (rate at or above the warning
--   threshold; both decided and stored by `traits`, dsanalysis/traits/duplicates.py). Datasets whose traits
--   were measured before the flag was stored have no warning (NULL): rerun `traits`.
-- param: dataset VARCHAR = NULL  only this dataset (default: all)
SELECT r.dataset,
       r.value AS near_duplicate_rate,
       p.value AS near_duplicate_pairs,
       r.n AS images_checked,
       CAST(json_extract(r.params, '$.warning') AS BOOLEAN) AS warning,
       CAST(json_extract(r.params, '$.warning_threshold') AS DOUBLE) AS warning_threshold,
       r.computed_at
FROM dataset_traits AS r
LEFT JOIN dataset_traits AS p ON p.dataset = r.dataset AND p.trait = 'near_duplicate_pairs' AND p.class = 'all'
WHERE r.trait = 'near_duplicate_rate' AND r.class = 'all'
  AND ($dataset IS NULL OR r.dataset = $dataset)
ORDER BY r.dataset
