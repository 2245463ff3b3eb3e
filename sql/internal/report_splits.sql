-- name: report_splits
-- description: Every stored split that a trained run uses or that is a dataset's test partition, with its
--   settings, part sizes, and whether it is the partition every model is tested on.
SELECT s.dataset, s.split_id, s.strategy, s.test_fraction, s.validation_fraction, s.seed, s.group_source,
       s.n_train, s.n_validation, s.n_test, count(DISTINCT r.run_id) AS runs,
       any_value(p.split_id) IS NOT NULL AS partition
FROM splits AS s
LEFT JOIN runs AS r ON r.split_id = s.split_id AND r.kind = 'trained'
LEFT JOIN partitions AS p ON p.split_id = s.split_id
GROUP BY s.dataset, s.split_id, s.strategy, s.test_fraction, s.validation_fraction, s.seed, s.group_source,
         s.n_train, s.n_validation, s.n_test
HAVING count(r.run_id) > 0 OR any_value(p.split_id) IS NOT NULL
ORDER BY s.dataset, s.split_id
