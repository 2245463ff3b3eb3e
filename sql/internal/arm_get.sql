-- name: arm_get
-- description: One stored arm of an intervention (arms table), by id.
-- param: arm_id VARCHAR  arm key
SELECT * FROM arms WHERE arm_id = $arm_id
