-- name: stats_predictions
-- description: Per-image predictions of the runs that count (complete, trained), with each image's label,
--   group and content hash. Per (run, evaluated dataset) the 'test' part is used; the whole dataset
--   (part 'all') only for a dataset other than the training one that has no test part for that run.
-- param: arm VARCHAR = NULL  runs on whole training parts (NULL), or runs on the newest intervention arms named so ('matched')
SELECT r.run_id, r.train_dataset, coalesce(r.config_name, 'default') AS config_name, r.seed,
       p.dataset AS eval_dataset, p.part, p.image_id, i.label, i.group_id, i.content_hash, p.score_real
FROM predictions AS p
JOIN runs AS r USING (run_id)
JOIN images AS i USING (image_id)
WHERE r.kind = 'trained' AND r.status = 'complete' AND r.train_dataset IS NOT NULL AND (($arm IS NULL AND r.arm_id IS NULL) OR r.arm_id IN (SELECT arm_id FROM arms WHERE arm = $arm
    QUALIFY row_number() OVER (PARTITION BY intervention, dataset, arm ORDER BY created_at DESC) = 1))
  AND (p.part = 'test' OR (p.part = 'all' AND p.dataset <> r.train_dataset))
QUALIFY dense_rank() OVER (PARTITION BY p.run_id, p.dataset ORDER BY p.part = 'test' DESC) = 1
ORDER BY r.run_id, p.dataset, p.image_id
