-- name: duplicate_images
-- description: Groups of usable files with identical content (SHA-256), within and across datasets.
SELECT content_hash,
       count(*) AS copies,
       count(DISTINCT dataset) AS datasets,
       string_agg(dataset || ':' || rel_path, ' | ' ORDER BY dataset, rel_path) AS files
FROM images
WHERE status <> 'rejected'
GROUP BY content_hash
HAVING count(*) > 1
ORDER BY copies DESC, files
