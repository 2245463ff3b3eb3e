-- name: traits_replace_face_descriptors
-- description: Replace the face descriptors of the content hashes the identity extractor measured in
--   traits_rows with the rows of identity_descriptors; a hash measured without a face loses its row.
-- input: traits_rows  image_traits rows (those of extractor 'identity' name the measured hashes)
-- input: identity_descriptors  content_hash, descriptor (128 numbers), extractor_version
DELETE FROM face_descriptors
WHERE content_hash IN (SELECT DISTINCT content_hash FROM traits_rows WHERE extractor = 'identity');
INSERT INTO face_descriptors BY NAME
SELECT content_hash, CAST(descriptor AS FLOAT[128]) AS descriptor, extractor_version FROM identity_descriptors;
