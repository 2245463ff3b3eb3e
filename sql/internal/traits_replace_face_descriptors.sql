-- name: traits_replace_face_descriptors
-- description: Replace the face descriptors of the content hashes the identity extractor measured in the registered
--   frame traits_rows (image_traits rows) with the rows of the registered frame
--   identity_descriptors(content_hash, descriptor, extractor_version); a hash measured without a face loses its row.
DELETE FROM face_descriptors
WHERE content_hash IN (SELECT DISTINCT content_hash FROM traits_rows WHERE extractor = 'identity');
INSERT INTO face_descriptors BY NAME
SELECT content_hash, CAST(descriptor AS FLOAT[128]) AS descriptor, extractor_version FROM identity_descriptors;
