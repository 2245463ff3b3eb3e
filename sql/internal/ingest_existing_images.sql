-- name: ingest_existing_images
-- description: What the store already knows about a dataset's files, to decide what changed.
-- param: dataset VARCHAR  dataset name
SELECT image_id, rel_path, label, group_id, source_split, status, reason, content_hash,
       byte_size, mtime_ns, format, mode, width, height, channels, source_path, frame_index, crop_path
FROM images
WHERE dataset = $dataset
