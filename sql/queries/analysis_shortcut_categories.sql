-- name: analysis_shortcut_categories
-- description: Shortcut audit, categorical fingerprints per class: images of each class in each category of
--   each categorical descriptor (file format, JPEG quantization-table hash, chroma subsampling, JPEG coding,
--   image size, ...) per dataset, with the class's share; the 10 most common categories, the rest as '(other)';
--   '(missing)' = no value (e.g. no quantization table in a PNG).
-- param: dataset VARCHAR = NULL  only this dataset (default: all)
-- param: descriptor VARCHAR = NULL  only this descriptor, e.g. 'jpeg_qtable'
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'shortcuts' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'shortcuts' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
), shares AS (
    SELECT r.row_index,
           max(r.text) FILTER (WHERE r.column_name = 'dataset') AS dataset,
           max(r.text) FILTER (WHERE r.column_name = 'descriptor') AS descriptor,
           max(r.text) FILTER (WHERE r.column_name = 'category') AS category,
           CAST(max(r.number) FILTER (WHERE r.column_name = 'n_real') AS BIGINT) AS n_real,
           CAST(max(r.number) FILTER (WHERE r.column_name = 'n_fake') AS BIGINT) AS n_fake,
           max(r.number) FILTER (WHERE r.column_name = 'share_real') AS share_real,
           max(r.number) FILTER (WHERE r.column_name = 'share_fake') AS share_fake
    FROM analysis_results AS r
    JOIN chosen USING (analysis_id)
    WHERE r.result = 'categories'
    GROUP BY r.row_index
)
SELECT * EXCLUDE (row_index)
FROM shares
WHERE ($dataset IS NULL OR dataset = $dataset)
  AND ($descriptor IS NULL OR descriptor = $descriptor)
ORDER BY row_index
