-- name: traits_done_hashes
-- description: Content hashes that already have an extractor's descriptors at the given extractor version.
-- param: extractor VARCHAR  'quality', 'faces', 'skin' or 'deepface'
-- param: extractor_version VARCHAR  the extractor's current version string
SELECT DISTINCT content_hash
FROM image_traits
WHERE extractor = $extractor AND extractor_version = $extractor_version
