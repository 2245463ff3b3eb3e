-- name: model_run_complete
-- description: Mark a run complete with its weights and timings (its history goes in first with
--   model_run_history_insert, in the same transaction).
-- param: run_id VARCHAR  run key
-- param: weights_path VARCHAR  saved weights file
-- param: weights_sha256 VARCHAR  SHA-256 of that file
-- param: train_seconds DOUBLE  wall-clock training time
-- param: epochs_run INTEGER  epochs trained (fewer than configured after early stopping)
-- param: images_per_second DOUBLE = NULL  median training throughput after the first epoch
UPDATE runs SET status = 'complete', error = NULL, weights_path = $weights_path, weights_sha256 = $weights_sha256,
       finished_at = now()::TIMESTAMP, train_seconds = $train_seconds, epochs_run = $epochs_run,
       images_per_second = $images_per_second
WHERE run_id = $run_id
