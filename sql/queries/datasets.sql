-- name: datasets
-- description: Registered datasets with their file counts: usable images per class, converted and
--   rejected files, groups (videos or identities) and the dataset's own splits; max_images_per_class is
--   the cap on the images a study uses of each class (NULL: all; see the usable_images statement).
SELECT d.dataset,
       count(i.image_id) AS files,
       count(*) FILTER (WHERE i.status <> 'rejected') AS usable,
       count(*) FILTER (WHERE i.status <> 'rejected' AND i.label = 'real') AS real,
       count(*) FILTER (WHERE i.status <> 'rejected' AND i.label = 'fake') AS fake,
       count(*) FILTER (WHERE i.status = 'converted') AS converted,
       count(*) FILTER (WHERE i.status = 'rejected') AS rejected,
       count(DISTINCT i.group_id) AS groups,
       coalesce(string_agg(DISTINCT i.source_split, ',' ORDER BY i.source_split), '') AS source_splits,
       d.max_images_per_class,
       d.layout,
       d.root,
       d.ingested_at
FROM datasets AS d
LEFT JOIN images AS i USING (dataset)
GROUP BY ALL
ORDER BY d.dataset
