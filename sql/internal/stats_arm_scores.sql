-- name: stats_arm_scores
-- description: Test scores (image-level accuracy and AUC) of every complete run trained on an intervention's
--   arm, per evaluated dataset, with the arm it was trained on; and, as arm 'full' of the size intervention,
--   the runs on the whole training part with the same architecture, configuration and split (the top of each
--   learning curve). n_per_class is the arm's smaller class. Of arms drawn again under one name, the newest counts.
WITH latest AS (  -- the newest arm of each name: one drawn again (changed images or settings) replaces it
    SELECT * FROM arms QUALIFY row_number() OVER (PARTITION BY intervention, dataset, arm ORDER BY created_at DESC) = 1
), arm_runs AS (
    SELECT r.run_id, r.train_dataset AS dataset, r.seed, r.arch, r.config, r.split_id,
           coalesce(r.learned, 'unknown') AS learned, a.intervention, a.kind, a.arm, a.trait,
           least(a.n_real, a.n_fake) AS n_per_class
    FROM runs AS r
    JOIN latest AS a USING (arm_id)
    WHERE r.kind = 'trained' AND r.status = 'complete'
), size_settings AS (
    SELECT DISTINCT dataset, arch, config, split_id FROM arm_runs WHERE kind = 'size'
), train_counts AS (
    SELECT m.split_id, least(count(*) FILTER (WHERE i.label = 'real'), count(*) FILTER (WHERE i.label = 'fake'))
               AS n_per_class
    FROM split_members AS m
    JOIN images AS i USING (image_id)
    WHERE m.part = 'train' AND m.split_id IN (SELECT split_id FROM size_settings)
    GROUP BY m.split_id
), full_runs AS (
    SELECT r.run_id, r.train_dataset AS dataset, r.seed, r.arch, r.config, r.split_id,
           coalesce(r.learned, 'unknown') AS learned, 'size' AS intervention, 'size' AS kind, 'full' AS arm,
           NULL AS trait, c.n_per_class
    FROM runs AS r
    JOIN size_settings AS s ON s.dataset = r.train_dataset AND s.arch = r.arch AND s.config = r.config
                           AND s.split_id = r.split_id
    JOIN train_counts AS c ON c.split_id = r.split_id
    WHERE r.kind = 'trained' AND r.status = 'complete' AND r.arm_id IS NULL
      AND r.seed IN (SELECT seed FROM arm_runs WHERE kind = 'size')
), counted AS (
    SELECT * FROM arm_runs UNION ALL BY NAME SELECT * FROM full_runs
)
SELECT c.intervention, c.kind, c.dataset, c.arm, c.trait, c.n_per_class, c.seed, m.dataset AS eval_dataset,
       m.metric, m.value, c.learned, c.run_id
FROM counted AS c
JOIN metrics AS m USING (run_id)
WHERE m.level = 'image' AND m.part = 'test' AND m.metric IN ('accuracy', 'auc')
ORDER BY c.intervention, c.dataset, c.arm, c.seed, m.dataset, m.metric
