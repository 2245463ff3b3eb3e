-- name: model_splits_unchecked
-- description: The stored splits of one dataset whose parts were never checked for duplicate leakage
--   (drawn before the check was stored with each split).
-- param: dataset VARCHAR  dataset name
SELECT s.split_id, s.strategy
FROM splits AS s
WHERE s.dataset = $dataset
  AND NOT EXISTS (SELECT 1 FROM split_leakage AS l WHERE l.split_id = s.split_id)
ORDER BY s.split_id
