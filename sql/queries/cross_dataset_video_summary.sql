-- name: cross_dataset_video_summary
-- description: The cross-dataset matrix at video level, for tested datasets whose images are frames cut
--   from videos: one row per (architecture, training dataset, tested dataset) with the mean over complete
--   trained runs of the video-level accuracy and AUC (each video scored by the mean of its frames' scores,
--   as the MesoNet paper does), their range over runs, the same with the median of the frames' scores,
--   and the number of test videos. Empty when no evaluated dataset comes from videos.
-- param: metric_part VARCHAR = test  evaluated part ('test' or 'all')
WITH cells AS (
    SELECT r.arch, r.train_dataset, m.dataset AS test_dataset, r.run_id,
           max(m.value) FILTER (WHERE m.level = 'video' AND m.metric = 'accuracy') AS video_accuracy,
           max(m.value) FILTER (WHERE m.level = 'video' AND m.metric = 'auc') AS video_auc,
           max(m.value) FILTER (WHERE m.level = 'video_median' AND m.metric = 'accuracy') AS video_median_accuracy,
           max(m.value) FILTER (WHERE m.level = 'video_median' AND m.metric = 'auc') AS video_median_auc,
           max(m.n) FILTER (WHERE m.level = 'video' AND m.metric = 'accuracy') AS n_videos
    FROM metrics AS m
    JOIN runs AS r USING (run_id)
    WHERE r.kind = 'trained' AND r.status = 'complete' AND r.arm_id IS NULL AND m.level IN ('video', 'video_median') AND m.part = $metric_part
    GROUP BY ALL
)
SELECT arch, train_dataset, test_dataset, train_dataset = test_dataset AS in_domain,
       count(*) AS runs,
       avg(video_accuracy) AS video_accuracy, min(video_accuracy) AS video_accuracy_min, max(video_accuracy) AS video_accuracy_max,
       avg(video_auc) AS video_auc, min(video_auc) AS video_auc_min, max(video_auc) AS video_auc_max,
       avg(video_median_accuracy) AS video_median_accuracy, avg(video_median_auc) AS video_median_auc,
       max(n_videos) AS n_videos
FROM cells
GROUP BY arch, train_dataset, test_dataset
ORDER BY arch, train_dataset, test_dataset
