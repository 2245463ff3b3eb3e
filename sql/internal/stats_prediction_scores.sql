-- name: stats_prediction_scores
-- description: The per-image scores of stats_predictions as integer positions, for dense run x image
--   matrices: run_index (row of stats_runs, same order), eval_index (row of registered_dataset_names),
--   image_id, fake, score_real. Same part rule: 'test', or 'all' for another dataset without a test part.
-- param: arm VARCHAR = NULL  runs on whole training parts (NULL), or runs on the newest intervention arms named so ('matched')
WITH counted AS (
    SELECT run_id, train_dataset,
           (row_number() OVER (ORDER BY train_dataset, coalesce(config_name, 'default'), seed, run_id) - 1)::INTEGER
               AS run_index
    FROM runs
    WHERE kind = 'trained' AND status = 'complete' AND train_dataset IS NOT NULL AND (($arm IS NULL AND arm_id IS NULL) OR arm_id IN (SELECT arm_id FROM arms WHERE arm = $arm
    QUALIFY row_number() OVER (PARTITION BY intervention, dataset, arm ORDER BY created_at DESC) = 1))
), chosen AS (
    SELECT e.run_id, e.dataset, max(e.part) AS part  -- 'test' sorts after 'all'
    FROM (SELECT DISTINCT run_id, dataset, part FROM predictions) AS e
    JOIN counted AS c USING (run_id)
    WHERE e.part = 'test' OR (e.part = 'all' AND e.dataset <> c.train_dataset)
    GROUP BY e.run_id, e.dataset
), evaluated AS (
    SELECT dataset, (row_number() OVER (ORDER BY dataset) - 1)::INTEGER AS eval_index
    FROM datasets
)
SELECT c.run_index, d.eval_index, p.image_id, i.label = 'fake' AS fake, p.score_real
FROM predictions AS p
JOIN chosen AS h ON h.run_id = p.run_id AND h.dataset = p.dataset AND h.part = p.part
JOIN counted AS c ON c.run_id = p.run_id
JOIN evaluated AS d ON d.dataset = p.dataset
JOIN images AS i ON i.image_id = p.image_id
