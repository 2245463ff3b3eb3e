-- name: partition_set
-- description: Register (or replace) one dataset's test partition.
-- param: dataset VARCHAR  dataset name
-- param: split_id VARCHAR  the split whose test part every model is scored on
-- param: registered_by VARCHAR  'study', 'train' or 'evaluate'
INSERT OR REPLACE INTO partitions VALUES ($dataset, $split_id, $registered_by, now()::TIMESTAMP)
