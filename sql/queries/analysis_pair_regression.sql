-- name: analysis_pair_regression
-- description: Pair level: cross-dataset score of (train, eval) regressed on standardized distances and traits with
--   crossed random effects (or two-way clustered errors); p_value relabels the datasets (exact over all N!
--   orderings up to 7 datasets), so it is never below p_floor (1/N!: 0.042 with 4 datasets).
-- param: analysis_id VARCHAR = NULL  one analysis (default: the newest 'traits' analysis)
WITH chosen AS (
    SELECT analysis_id FROM analyses
    WHERE name = 'traits' AND ($analysis_id IS NULL OR analysis_id = $analysis_id)
    ORDER BY created_at DESC, analysis_id
    LIMIT 1
)
SELECT r.row_index,
       max(r.text) FILTER (WHERE r.column_name = 'model') AS model,
       max(r.text) FILTER (WHERE r.column_name = 'term') AS term,
       max(r.number) FILTER (WHERE r.column_name = 'estimate') AS estimate,
       max(r.number) FILTER (WHERE r.column_name = 'std_error') AS std_error,
       max(r.number) FILTER (WHERE r.column_name = 'ci_low') AS ci_low,
       max(r.number) FILTER (WHERE r.column_name = 'ci_high') AS ci_high,
       max(r.number) FILTER (WHERE r.column_name = 'p_value') AS p_value,
       max(r.number) FILTER (WHERE r.column_name = 'p_floor') AS p_floor,
       max(r.number) FILTER (WHERE r.column_name = 'q_value') AS q_value,
       max(r.number) FILTER (WHERE r.column_name = 'predictor_sd') AS predictor_sd,
       max(r.number) FILTER (WHERE r.column_name = 'vif') AS vif,
       max(r.text) FILTER (WHERE r.column_name = 'method') AS method,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_cells') AS BIGINT) AS n_cells,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_datasets') AS BIGINT) AS n_datasets,
       CAST(max(r.number) FILTER (WHERE r.column_name = 'n_permutations') AS BIGINT) AS n_permutations,
       max(r.text) FILTER (WHERE r.column_name = 'note') AS note
FROM analysis_results AS r
JOIN chosen USING (analysis_id)
WHERE r.result = 'pair_regression'
GROUP BY r.row_index
ORDER BY r.row_index
