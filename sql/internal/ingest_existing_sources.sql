-- name: ingest_existing_sources
-- description: The stored sources rows (videos and photos cut into face crops) of one dataset.
-- param: dataset VARCHAR  dataset name
SELECT dataset, rel_path, kind, label, group_id, source_split, status, reason, byte_size, mtime_ns,
       frame_count, fps, width, height, codec, frames_sampled, frames_read, faces_cropped, settings_key
FROM sources
WHERE dataset = $dataset
