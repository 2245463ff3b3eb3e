-- name: ingest_insert_crop_settings
-- description: Record a set of frame sampling and face crop settings under its stable key (once).
-- param: settings_key VARCHAR  stable key of the settings
-- param: settings VARCHAR  JSON of the settings
INSERT OR IGNORE INTO crop_settings VALUES ($settings_key, $settings)
