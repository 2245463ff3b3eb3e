-- name: arm_members_get
-- description: The image ids of one stored arm, in id order.
-- param: arm_id VARCHAR  arm key
SELECT image_id FROM arm_members WHERE arm_id = $arm_id ORDER BY image_id
