-- name: run_history
-- description: Training curves: loss, accuracy and epoch time per epoch, training and validation
--   part side by side (best_epoch: the epoch whose weights were kept; restarts, at epoch 0: fresh starts
--   made because the run showed no learning at its probe epoch).
-- param: run_id VARCHAR = NULL  only this run (see the 'runs' query)
SELECT run_id, epoch, metric,
       max(value) FILTER (WHERE part = 'train') AS train,
       max(value) FILTER (WHERE part = 'validation') AS validation
FROM run_history
WHERE $run_id IS NULL OR run_id = $run_id
GROUP BY run_id, epoch, metric
ORDER BY run_id, metric, epoch
