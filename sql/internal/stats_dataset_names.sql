-- name: stats_dataset_names
-- description: Registered dataset names in the order that stats_prediction_scores' eval_index counts.
SELECT dataset FROM datasets ORDER BY dataset
