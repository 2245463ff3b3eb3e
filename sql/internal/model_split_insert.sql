-- name: model_split_insert
-- description: Store a split from split_row and split_rows, replacing any earlier copy of the same split id.
-- input: split_row  one splits row without created_at
-- input: split_rows  the split's members: image_id, part
DELETE FROM split_members WHERE split_id IN (SELECT split_id FROM split_row);
DELETE FROM splits WHERE split_id IN (SELECT split_id FROM split_row);
INSERT INTO splits BY NAME SELECT *, now()::TIMESTAMP AS created_at FROM split_row;
INSERT INTO split_members BY NAME SELECT s.split_id, m.image_id, m.part FROM split_rows AS m CROSS JOIN split_row AS s;
