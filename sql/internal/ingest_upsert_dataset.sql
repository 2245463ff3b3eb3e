-- name: ingest_upsert_dataset
-- description: Register a dataset, or update where and how it was read (and its image cap).
-- param: dataset VARCHAR  dataset name
-- param: root VARCHAR  absolute dataset folder
-- param: layout VARCHAR  'folders', 'manifest', 'faceforensics' or 'celebdf'
-- param: manifest VARCHAR = NULL  absolute manifest path
-- param: numeric_label_one VARCHAR = NULL  what label 1 means in a numeric manifest
-- param: group_pattern VARCHAR = NULL  regular expression drawing group ids from paths
-- param: package_version VARCHAR  dsanalysis version
-- param: max_images_per_class INTEGER = NULL  images of each class the study uses (NULL: all)
-- param: cap_seed INTEGER = NULL  seed of the capped selection
INSERT OR REPLACE INTO datasets BY NAME
SELECT $dataset AS dataset, $root AS root, $layout AS layout, $manifest AS manifest,
       $numeric_label_one AS numeric_label_one, $group_pattern AS group_pattern, now()::TIMESTAMP AS ingested_at,
       $package_version AS package_version, $max_images_per_class AS max_images_per_class, $cap_seed AS cap_seed
