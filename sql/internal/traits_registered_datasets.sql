-- name: traits_registered_datasets
-- description: Names of the registered datasets, in order.
SELECT dataset FROM datasets ORDER BY dataset
