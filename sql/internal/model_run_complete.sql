-- name: model_run_complete
-- description: Mark a run complete with its weights, timings and learning check (its history goes in
--   first with model_run_history_insert, in the same transaction).
-- param: run_id VARCHAR  run key
-- param: weights_path VARCHAR  saved weights file
-- param: weights_sha256 VARCHAR  SHA-256 of that file
-- param: train_seconds DOUBLE  wall-clock training time
-- param: epochs_run INTEGER  epochs trained (fewer than configured after early stopping)
-- param: images_per_second DOUBLE = NULL  median training throughput after the first epoch
-- param: learned VARCHAR  'true', 'false' or 'unknown' (model/learning.py)
-- param: learned_auc DOUBLE = NULL  validation AUC of the stored model
-- param: learned_ci_low DOUBLE = NULL  its interval's lower end
-- param: learned_ci_high DOUBLE = NULL  its interval's upper end
-- param: learned_reason VARCHAR  the verdict's reason
UPDATE runs SET status = 'complete', error = NULL, weights_path = $weights_path, weights_sha256 = $weights_sha256,
       finished_at = now()::TIMESTAMP, train_seconds = $train_seconds, epochs_run = $epochs_run,
       images_per_second = $images_per_second, learned = $learned, learned_auc = $learned_auc,
       learned_ci_low = $learned_ci_low, learned_ci_high = $learned_ci_high, learned_reason = $learned_reason
WHERE run_id = $run_id
