-- name: predict_crop_settings
-- description: The face crop settings a dataset's images were cut with (none for a dataset of files used
--   as they are), so a model trained on it scores new videos' crops made the same way.
-- param: dataset VARCHAR  dataset name
SELECT DISTINCT c.settings
FROM sources AS s
JOIN crop_settings AS c USING (settings_key)
WHERE s.dataset = $dataset
