-- name: ingest_allocate_image_ids
-- description: Draw n new image ids from the store's sequence.
-- param: n INTEGER  how many ids
SELECT nextval('image_id_seq') AS image_id FROM range($n)
