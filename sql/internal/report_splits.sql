-- name: report_splits
-- description: Every stored split that a trained run uses or that is a dataset's test partition, with its
--   settings, part sizes, whether it is the partition every model is tested on, and the duplicate leakage
--   checked when it was drawn (test part against training and validation; validation against training).
SELECT s.dataset, s.split_id, s.strategy, s.test_fraction, s.validation_fraction, s.seed, s.group_source,
       s.n_train, s.n_validation, s.n_test, count(DISTINCT r.run_id) AS runs,
       any_value(p.split_id) IS NOT NULL AS partition,
       t.near AS test_near, t.exact AS test_exact, t.share AS test_leak_share, t.warning AS test_leak_warning,
       v.near AS validation_near, v.n_images AS validation_checked
FROM splits AS s
LEFT JOIN runs AS r ON r.split_id = s.split_id AND r.kind = 'trained'
LEFT JOIN partitions AS p ON p.split_id = s.split_id
LEFT JOIN split_leakage AS t ON t.split_id = s.split_id AND t.part = 'test'
LEFT JOIN split_leakage AS v ON v.split_id = s.split_id AND v.part = 'validation'
GROUP BY s.dataset, s.split_id, s.strategy, s.test_fraction, s.validation_fraction, s.seed, s.group_source,
         s.n_train, s.n_validation, s.n_test, t.near, t.exact, t.share, t.warning, v.near, v.n_images
HAVING count(r.run_id) > 0 OR any_value(p.split_id) IS NOT NULL
ORDER BY s.dataset, s.split_id
