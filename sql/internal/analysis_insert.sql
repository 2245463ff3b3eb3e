-- name: analysis_insert
-- description: Record one analysis with its settings and provenance.
-- param: analysis_id VARCHAR  deterministic key of the analysis' name, settings and inputs
-- param: analysis_name VARCHAR  'ranking', 'traits' or 'subgroups'
-- param: params VARCHAR  JSON of every setting that shapes the result
-- param: seed INTEGER  random seed of bootstraps and permutations
-- param: input_summary VARCHAR  JSON summary of the inputs (runs, datasets, fingerprint)
-- param: package_version VARCHAR  dsanalysis version
-- param: library_versions VARCHAR  JSON of library versions
INSERT INTO analyses (analysis_id, name, params, seed, inputs, package_version, library_versions, created_at)
VALUES ($analysis_id, $analysis_name, $params, $seed, $input_summary, $package_version, $library_versions, now()::TIMESTAMP)
