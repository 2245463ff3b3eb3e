-- name: report_thumbnails
-- description: A few images of each dataset and class, with absolute paths: the first by the MD5 of the
--   file path, a fixed order that spreads the picks over the dataset (not consecutive frames of one video).
-- param: per_dataset INTEGER  images per dataset (half real, half fake)
SELECT dataset, label, rel_path, path
FROM (
    SELECT i.dataset, i.label, i.rel_path, coalesce(i.crop_path, d.root || '/' || i.rel_path) AS path,
           row_number() OVER (PARTITION BY i.dataset, i.label ORDER BY md5(i.rel_path), i.image_id) AS k
    FROM images AS i
    JOIN datasets AS d USING (dataset)
    WHERE i.status <> 'rejected'
)
WHERE k <= $per_dataset / 2
ORDER BY dataset, label DESC, k
