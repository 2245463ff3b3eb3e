-- name: evaluation_metrics
-- description: Every stored metric of every evaluation, with the run's architecture and training
--   dataset. AUC, AP, EER and TPR@FPR treat fake as the positive class; accuracy thresholds
--   score_real at 0.5. level 'group' averages scores per group (video, identity) first.
-- param: run_id VARCHAR = NULL  only this run
-- param: metric VARCHAR = NULL  only this metric ('accuracy', 'auc', ...)
SELECT m.run_id, r.arch, coalesce(r.train_dataset, 'imported') AS train_dataset, m.dataset AS test_dataset,
       m.part, m.level, m.metric, m.value, m.ci_low, m.ci_high, m.n
FROM metrics AS m
JOIN runs AS r USING (run_id)
WHERE ($run_id IS NULL OR m.run_id = $run_id) AND ($metric IS NULL OR m.metric = $metric)
ORDER BY m.run_id, m.dataset, m.part, m.level, m.metric
