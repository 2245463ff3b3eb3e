-- name: image_counts
-- description: Usable images per dataset, dataset-supplied split and label.
SELECT dataset, coalesce(source_split, '') AS source_split, label, count(*) AS images
FROM images
WHERE status <> 'rejected'
GROUP BY ALL
ORDER BY dataset, source_split, label
