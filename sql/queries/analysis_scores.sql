-- name: analysis_scores
-- description: In-domain and generalization score of each training dataset per metric (accuracy, accuracy_fake,
--   accuracy_real, auc; video_accuracy and video_auc where tested images are video frames, intervals over
--   trials only), averaged over seeds and configurations, with bootstrap intervals over trials
--   and test images, the between-seed SD, the rank (1 = best), and how many of the runs learned.
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'ranking' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'ranking' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
)
SELECT r.row_index,
       max(r.text) FILTER (WHERE r.column_name = 'train_dataset') AS train_dataset,
       max(r.text) FILTER (WHERE r.column_name = 'metric') AS metric,
       max(r.text) FILTER (WHERE r.column_name = 'scope') AS scope,
       max(r.number) FILTER (WHERE r.column_name = 'estimate') AS estimate,
       max(r.number) FILTER (WHERE r.column_name = 'ci_low') AS ci_low,
       max(r.number) FILTER (WHERE r.column_name = 'ci_high') AS ci_high,
       max(r.number) FILTER (WHERE r.column_name = 'seed_sd') AS seed_sd,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'rank') AS BIGINT) AS rank,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_runs') AS BIGINT) AS n_runs,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_learned') AS BIGINT) AS n_learned,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_not_learned') AS BIGINT) AS n_not_learned,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_seeds') AS BIGINT) AS n_seeds,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_configs') AS BIGINT) AS n_configs,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_eval_datasets') AS BIGINT) AS n_eval_datasets,
       max(r.text) FILTER (WHERE r.column_name = 'note') AS note
FROM analysis_results AS r
JOIN chosen USING (analysis_id)
WHERE r.result = 'scores'
GROUP BY r.row_index
ORDER BY r.row_index
