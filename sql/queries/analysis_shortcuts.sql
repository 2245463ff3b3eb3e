-- name: analysis_shortcuts
-- description: Shortcut audit (computed by `traits`): how well each image descriptor alone separates the fakes
--   from the reals of each dataset. Numeric descriptors: rank AUC of the value (fake = positive), its direction
--   and separation = max(auc, 1 - auc); categorical ones (file format, JPEG quantization-table hash, chroma
--   subsampling, image size, ...): cross-fitted AUC of the category's share of fakes. Interval: Newcombe
--   (2006) method 5. warning = separation >= threshold (stored in each row) and ci_low > 0.5; note says why a
--   separation is undefined.
-- param: dataset VARCHAR = NULL  only this dataset (default: all)
-- param: warnings_only BOOLEAN = false  only descriptors with a warning
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'shortcuts' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'shortcuts' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
), audit AS (
    SELECT r.row_index,
           max(r.text) FILTER (WHERE r.column_name = 'dataset') AS dataset,
           max(r.text) FILTER (WHERE r.column_name = 'descriptor') AS descriptor,
           max(r.text) FILTER (WHERE r.column_name = 'name') AS name,
           max(r.text) FILTER (WHERE r.column_name = 'origin') AS origin,
           max(r.text) FILTER (WHERE r.column_name = 'kind') AS kind,
           max(r.text) FILTER (WHERE r.column_name = 'method') AS method,
           CAST(max(r.number) FILTER (WHERE r.column_name = 'n_real') AS BIGINT) AS n_real,
           CAST(max(r.number) FILTER (WHERE r.column_name = 'n_fake') AS BIGINT) AS n_fake,
           CAST(max(r.number) FILTER (WHERE r.column_name = 'missing_real') AS BIGINT) AS missing_real,
           CAST(max(r.number) FILTER (WHERE r.column_name = 'missing_fake') AS BIGINT) AS missing_fake,
           max(r.number) FILTER (WHERE r.column_name = 'auc') AS auc,
           max(r.text) FILTER (WHERE r.column_name = 'direction') AS direction,
           max(r.number) FILTER (WHERE r.column_name = 'separation') AS separation,
           max(r.number) FILTER (WHERE r.column_name = 'ci_low') AS ci_low,
           max(r.number) FILTER (WHERE r.column_name = 'ci_high') AS ci_high,
           max(r.number) FILTER (WHERE r.column_name = 'median_real') AS median_real,
           max(r.number) FILTER (WHERE r.column_name = 'median_fake') AS median_fake,
           max(r.text) FILTER (WHERE r.column_name = 'top_real') AS top_real,
           max(r.number) FILTER (WHERE r.column_name = 'top_real_share') AS top_real_share,
           max(r.text) FILTER (WHERE r.column_name = 'top_fake') AS top_fake,
           max(r.number) FILTER (WHERE r.column_name = 'top_fake_share') AS top_fake_share,
           max(r.number) FILTER (WHERE r.column_name = 'threshold') AS threshold,
           max(r.number) FILTER (WHERE r.column_name = 'warning') = 1 AS warning,
           max(r.text) FILTER (WHERE r.column_name = 'note') AS note,
           max(r.text) FILTER (WHERE r.column_name = 'message') AS message
    FROM analysis_results AS r
    JOIN chosen USING (analysis_id)
    WHERE r.result = 'separation'
    GROUP BY r.row_index
)
SELECT * EXCLUDE (row_index)
FROM audit
WHERE ($dataset IS NULL OR dataset = $dataset)
  AND (NOT $warnings_only OR warning)
ORDER BY row_index
