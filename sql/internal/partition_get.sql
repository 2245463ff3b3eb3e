-- name: partition_get
-- description: The registered test partition of one dataset with its split's settings (no row if none).
-- param: dataset VARCHAR  dataset name
SELECT p.dataset, p.split_id, p.registered_by, p.registered_at, s.strategy, s.test_fraction,
       s.validation_fraction, s.seed, s.group_source
FROM partitions AS p
JOIN splits AS s USING (split_id)
WHERE p.dataset = $dataset
