-- name: partitions
-- description: Each dataset's test partition: the split whose test part every model is scored on (a model
--   trained on the dataset with another split is scored on that split's test part instead), its
--   settings and part sizes, and who registered it.
SELECT p.dataset, p.split_id, s.strategy, s.test_fraction, s.validation_fraction, s.seed, s.group_source,
       s.n_train, s.n_validation, s.n_test, p.registered_by, p.registered_at
FROM partitions AS p
JOIN splits AS s USING (split_id)
ORDER BY p.dataset
