-- name: split_leaks
-- description: The image pairs behind a split's leakage: each image of its test or validation part that has
--   an exact copy or a near-duplicate in another part, with both files, to look at side by side.
-- param: split_id VARCHAR = NULL  split id or its first characters (default: every split)
-- param: limit_rows INTEGER = 1000  at most this many rows
SELECT l.split_id, l.part, l.kind, l.similarity,
       a.rel_path, a.label, l.match_part, b.rel_path AS match_rel_path, b.label AS match_label,
       l.image_id, l.match_image_id
FROM split_leaks AS l
JOIN images AS a ON a.image_id = l.image_id
JOIN images AS b ON b.image_id = l.match_image_id
WHERE $split_id IS NULL OR starts_with(l.split_id, $split_id)
ORDER BY l.split_id, l.part = 'validation', l.kind, l.similarity DESC, a.rel_path
LIMIT $limit_rows
