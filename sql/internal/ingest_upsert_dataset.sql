-- name: ingest_upsert_dataset
-- description: Register a dataset, or update where and how it was read.
-- param: dataset VARCHAR  dataset name
-- param: root VARCHAR  absolute dataset folder
-- param: layout VARCHAR  'folders', 'manifest', 'faceforensics' or 'celebdf'
-- param: manifest VARCHAR = NULL  absolute manifest path
-- param: numeric_label_one VARCHAR = NULL  what label 1 means in a numeric manifest
-- param: group_pattern VARCHAR = NULL  regular expression drawing group ids from paths
-- param: package_version VARCHAR  dsanalysis version
INSERT OR REPLACE INTO datasets
VALUES ($dataset, $root, $layout, $manifest, $numeric_label_one, $group_pattern, now()::TIMESTAMP, $package_version)
