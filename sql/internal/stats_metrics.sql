-- name: stats_metrics
-- description: Image-level metrics of the runs that count (complete, trained), with the same part rule as
--   stats_predictions ('test', or 'all' for another dataset without a test part).
-- param: arm VARCHAR = NULL  runs on whole training parts (NULL), or runs on the newest intervention arms named so ('matched')
SELECT r.run_id, r.train_dataset, coalesce(r.config_name, 'default') AS config_name, r.seed,
       m.dataset AS eval_dataset, m.metric, m.value, m.n
FROM metrics AS m
JOIN runs AS r USING (run_id)
WHERE r.kind = 'trained' AND r.status = 'complete' AND r.train_dataset IS NOT NULL AND (($arm IS NULL AND r.arm_id IS NULL) OR r.arm_id IN (SELECT arm_id FROM arms WHERE arm = $arm
    QUALIFY row_number() OVER (PARTITION BY intervention, dataset, arm ORDER BY created_at DESC) = 1)) AND m.level = 'image'
  AND (m.part = 'test' OR (m.part = 'all' AND m.dataset <> r.train_dataset))
QUALIFY dense_rank() OVER (PARTITION BY m.run_id, m.dataset ORDER BY m.part = 'test' DESC) = 1
ORDER BY r.run_id, m.dataset, m.metric
