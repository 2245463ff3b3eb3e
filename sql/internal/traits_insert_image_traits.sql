-- name: traits_insert_image_traits
-- description: Replace the descriptors of the (content_hash, extractor) pairs in traits_rows with its rows.
-- input: traits_rows  image_traits rows: content_hash, extractor, trait, value, category, missing_reason, extractor_version
DELETE FROM image_traits
WHERE (content_hash, extractor) IN (SELECT DISTINCT content_hash, extractor FROM traits_rows);
INSERT INTO image_traits BY NAME
SELECT content_hash, extractor, trait, value, category, missing_reason, extractor_version FROM traits_rows;
