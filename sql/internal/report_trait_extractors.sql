-- name: report_trait_extractors
-- description: Per-image extractors with their versions and how many images each measured.
SELECT extractor, extractor_version, count(DISTINCT content_hash) AS images
FROM image_traits
GROUP BY extractor, extractor_version
ORDER BY extractor
