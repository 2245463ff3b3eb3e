-- name: source_split_accuracy
-- description: Accuracy of each evaluation broken down by the dataset's own split (train,
--   validation, ...), e.g. a published model on the MesoNet validation images after
--   `evaluate --weights ... --part all`. An image is predicted real when score_real > 0.5.
-- param: run_id VARCHAR = NULL  only this run
SELECT p.run_id, r.arch, coalesce(r.train_dataset, 'imported') AS train_dataset, p.dataset, p.part,
       coalesce(i.source_split, '') AS source_split,
       count(*) AS n_images,
       avg(CASE WHEN (p.score_real > 0.5) = (i.label = 'real') THEN 1.0 ELSE 0.0 END) AS accuracy,
       avg(CASE WHEN p.score_real <= 0.5 THEN 1.0 ELSE 0.0 END) FILTER (WHERE i.label = 'fake') AS accuracy_fake,
       avg(CASE WHEN p.score_real > 0.5 THEN 1.0 ELSE 0.0 END) FILTER (WHERE i.label = 'real') AS accuracy_real
FROM predictions AS p
JOIN images AS i USING (image_id)
JOIN runs AS r USING (run_id)
WHERE $run_id IS NULL OR p.run_id = $run_id
GROUP BY ALL
ORDER BY p.run_id, p.dataset, p.part, source_split
