-- name: split_leakage
-- description: Duplicate leakage of every stored split, checked when it was drawn: for its test part (against
--   training and validation) and its validation part (against training), how many images have a
--   byte-identical copy (exact) or a near-duplicate (near, exact included) on the other side, the share, and
--   the stored warning; with the split's strategy and whether it is the dataset's test partition. The pairs:
--   sql --query split_leaks --param split_id=SPLIT.
-- param: dataset VARCHAR = NULL  only this dataset (default: all)
SELECT s.dataset, l.split_id, s.strategy, l.part, l.against, l.n_images, l.exact, l.near, l.share,
       l.warning_share, l.warning, p.split_id IS NOT NULL AS partition, l.detector, l.computed_at
FROM split_leakage AS l
JOIN splits AS s USING (split_id)
LEFT JOIN partitions AS p ON p.split_id = l.split_id
WHERE $dataset IS NULL OR s.dataset = $dataset
ORDER BY s.dataset, l.split_id, l.part = 'validation'
