-- name: identity_leakage
-- description: Identity leakage of each stored split: the share of its test images (with a face descriptor)
--   whose identity (faces clustered at dlib's same-person threshold 0.6) also appears in its training part,
--   with the split's strategy and whether the share is above the warning threshold (both stored by `traits`).
-- param: dataset VARCHAR = NULL  only this dataset (default: all)
SELECT t.dataset,
       s.split_id,
       s.strategy,
       t.value AS leaked_share,
       t.n AS test_faces,
       CAST(json_extract(t.params, '$.leaked') AS INTEGER) AS leaked,
       CAST(json_extract(t.params, '$.warning') AS BOOLEAN) AS warning,
       CAST(json_extract(t.params, '$.warning_threshold') AS DOUBLE) AS warning_threshold,
       t.computed_at
FROM dataset_traits AS t
JOIN splits AS s ON s.split_id = substr(t.trait, length('identity_leakage_test_share.') + 1)
WHERE t.trait LIKE 'identity_leakage_test_share.%' AND t.class = 'all'
  AND ($dataset IS NULL OR t.dataset = $dataset)
ORDER BY t.dataset, s.strategy, s.split_id
