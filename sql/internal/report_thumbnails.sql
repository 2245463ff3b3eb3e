-- name: report_thumbnails
-- description: A few images of each dataset and class (the first by image id), with absolute paths.
-- param: per_dataset INTEGER  images per dataset (half real, half fake)
SELECT dataset, label, rel_path, path
FROM (
    SELECT i.dataset, i.label, i.rel_path, coalesce(i.crop_path, d.root || '/' || i.rel_path) AS path,
           row_number() OVER (PARTITION BY i.dataset, i.label ORDER BY i.image_id) AS k
    FROM images AS i
    JOIN datasets AS d USING (dataset)
    WHERE i.status <> 'rejected'
)
WHERE k <= $per_dataset / 2
ORDER BY dataset, label DESC, k
