-- name: sources
-- description: Videos (and, with --crop-faces, photos) that face crops were cut from: status
--   (ok, partial, rejected) with the reason, what the container reports, frames sampled and
--   read, and crops saved.
-- param: dataset VARCHAR = NULL  only this dataset (default: all)
SELECT dataset, rel_path, kind, label, group_id, source_split, status, reason, frame_count, fps, width, height,
       codec, frames_sampled, frames_read, faces_cropped, byte_size
FROM sources
WHERE $dataset IS NULL OR dataset = $dataset
ORDER BY dataset, rel_path
