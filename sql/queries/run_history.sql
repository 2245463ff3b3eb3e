-- name: run_history
-- description: Training curves: loss, accuracy, AUC and epoch time per epoch, training and validation
--   part side by side, with the run's training dataset, configuration and seed (best_epoch: the epoch
--   whose weights were kept; restarts, at epoch 0: fresh starts made because the run showed no
--   learning at its probe epoch).
-- param: run_id VARCHAR = NULL  only this run (see the 'runs' query)
SELECT h.run_id, r.train_dataset, r.config_name, r.seed, h.epoch, h.metric,
       max(h.value) FILTER (WHERE h.part = 'train') AS train,
       max(h.value) FILTER (WHERE h.part = 'validation') AS validation
FROM run_history AS h
LEFT JOIN runs AS r USING (run_id)
WHERE $run_id IS NULL OR h.run_id = $run_id
GROUP BY h.run_id, r.train_dataset, r.config_name, r.seed, h.epoch, h.metric
ORDER BY h.run_id, h.metric, h.epoch
