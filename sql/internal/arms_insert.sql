-- name: arms_insert
-- description: Store new arms from arm_rows and arm_member_rows.
-- input: arm_rows  arms rows
-- input: arm_member_rows  arm_id, image_id
INSERT INTO arms BY NAME SELECT * FROM arm_rows;
INSERT INTO arm_members BY NAME SELECT arm_id, image_id FROM arm_member_rows;
