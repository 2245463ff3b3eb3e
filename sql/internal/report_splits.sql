-- name: report_splits
-- description: Every stored split that a trained run uses, with its settings and part sizes.
SELECT s.dataset, s.split_id, s.strategy, s.test_fraction, s.validation_fraction, s.seed, s.group_source,
       s.n_train, s.n_validation, s.n_test, count(DISTINCT r.run_id) AS runs
FROM splits AS s
JOIN runs AS r USING (split_id)
WHERE r.kind = 'trained'
GROUP BY ALL
ORDER BY s.dataset, s.split_id
