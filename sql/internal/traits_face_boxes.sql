-- name: traits_face_boxes
-- description: Stored primary-face boxes (pixels) of the content hashes in traits_hashes.
-- input: traits_hashes  content_hash
SELECT t.content_hash,
       max(t.value) FILTER (WHERE t.trait = 'face_box_x') AS x,
       max(t.value) FILTER (WHERE t.trait = 'face_box_y') AS y,
       max(t.value) FILTER (WHERE t.trait = 'face_box_width') AS width,
       max(t.value) FILTER (WHERE t.trait = 'face_box_height') AS height
FROM image_traits AS t
WHERE t.extractor = 'faces' AND t.content_hash IN (SELECT content_hash FROM traits_hashes)
GROUP BY t.content_hash
