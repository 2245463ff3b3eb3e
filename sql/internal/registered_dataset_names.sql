-- name: registered_dataset_names
-- description: Names of the registered datasets, in order (stats_prediction_scores' eval_index counts rows of this).
SELECT dataset FROM datasets ORDER BY dataset
