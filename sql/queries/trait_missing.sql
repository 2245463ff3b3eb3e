-- name: trait_missing
-- description: Why descriptors are missing: images per dataset, descriptor and reason.
-- param: dataset VARCHAR = NULL  only this dataset (default: all)
SELECT i.dataset, t.extractor, t.trait, t.missing_reason, count(*) AS images
FROM images AS i
JOIN image_traits AS t USING (content_hash)
WHERE i.status <> 'rejected' AND t.missing_reason IS NOT NULL
  AND ($dataset IS NULL OR i.dataset = $dataset)
GROUP BY ALL
ORDER BY i.dataset, t.extractor, t.trait, images DESC
