-- name: model_split_leakage_insert
-- description: Store a split's leakage check from leakage_rows and leak_rows, replacing any earlier
--   check of the same split.
-- input: leakage_rows  split_leakage rows without computed_at
-- input: leak_rows  split_leaks rows
DELETE FROM split_leaks WHERE split_id IN (SELECT DISTINCT split_id FROM leakage_rows);
DELETE FROM split_leakage WHERE split_id IN (SELECT DISTINCT split_id FROM leakage_rows);
INSERT INTO split_leakage BY NAME SELECT *, now()::TIMESTAMP AS computed_at FROM leakage_rows;
INSERT INTO split_leaks BY NAME SELECT * FROM leak_rows;
