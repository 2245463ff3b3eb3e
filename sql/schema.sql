-- schema-version: 8
-- The dsanalysis results store. One DuckDB file holds everything the package produces.
-- Conventions used by every table:
--   * label is the text 'real' or 'fake'; nothing stores a bare 0/1 class.
--   * score_real is the detector's sigmoid output, the probability that the image is REAL
--     (the MesoNet convention). Detection metrics (AUC, AP, EER, TPR@FPR) treat FAKE as positive.
--   * every result row carries what produced it: a run, a split, an analysis id, parameters, versions.
-- Upgrades: sql/migrations/NNN_*.sql bring a store from version NNN-1 to NNN; this file is always
-- the newest full schema, used for new stores.

CREATE TABLE store_info (
    key        VARCHAR PRIMARY KEY,   -- 'schema_version', 'created_at', 'created_by'
    value      VARCHAR NOT NULL
);

CREATE TABLE schema_migrations (
    version          INTEGER PRIMARY KEY,
    applied_at       TIMESTAMP NOT NULL,
    package_version  VARCHAR NOT NULL
);

-- A registered dataset: where it was read from and how.
CREATE TABLE datasets (
    dataset          VARCHAR PRIMARY KEY,
    root             VARCHAR NOT NULL,   -- absolute folder the image paths are relative to
    layout           VARCHAR NOT NULL,   -- 'folders' or 'manifest'
    manifest         VARCHAR,            -- absolute manifest path for layout 'manifest'
    numeric_label_one VARCHAR,           -- what label 1 meant in a numeric manifest ('fake' or 'real')
    group_pattern    VARCHAR,            -- regular expression that drew group ids from paths, if any
    ingested_at      TIMESTAMP NOT NULL,
    package_version  VARCHAR NOT NULL,
    max_images_per_class INTEGER,        -- at most this many images of each class are used (NULL: all)
    cap_seed         INTEGER             -- seed of that choice (internal statement usable_images)
);

CREATE SEQUENCE image_id_seq START 1;

-- One row per file found in a dataset, readable or not.
CREATE TABLE images (
    image_id      BIGINT PRIMARY KEY,    -- never reused; a changed file gets a new id
    dataset       VARCHAR NOT NULL,
    rel_path      VARCHAR NOT NULL,      -- path relative to datasets.root, '/' separated
    label         VARCHAR NOT NULL,      -- 'real' or 'fake'
    group_id      VARCHAR,               -- video or identity id, where known
    source_split  VARCHAR,               -- the dataset's own split (train, validation, test, ...), if any
    status        VARCHAR NOT NULL,      -- 'ok', 'converted' (read as 8-bit RGB after conversion) or 'rejected'
    reason        VARCHAR,               -- why converted or rejected
    content_hash  VARCHAR,               -- SHA-256 of the file bytes (NULL if the file could not be read)
    byte_size     BIGINT,                -- NULL if the file could not be read
    mtime_ns      BIGINT,
    format        VARCHAR,               -- 'JPEG', 'PNG', ... as identified from the file header
    mode          VARCHAR,               -- Pillow mode in the file ('RGB', 'L', 'RGBA', 'I;16', 'CMYK', ...)
    width         INTEGER,               -- pixels, after EXIF orientation
    height        INTEGER,
    channels      INTEGER,               -- bands in the file before conversion
    ingested_at   TIMESTAMP NOT NULL,
    source_path   VARCHAR,               -- face crops: the video or photo (relative to datasets.root) it was cut from
    frame_index   INTEGER,               -- face crops from videos: 0-based frame number in source_path
    crop_path     VARCHAR,               -- face crops: absolute path of the saved crop (the image the study reads)
    UNIQUE (dataset, rel_path)           -- a video frame's rel_path is '<video>#frame=<index, 6 digits>'
);

-- One row per video (or, with --crop-faces, photo) that face crops were cut from, readable or not.
CREATE TABLE sources (
    dataset          VARCHAR NOT NULL,
    rel_path         VARCHAR NOT NULL,   -- path relative to datasets.root
    kind             VARCHAR NOT NULL,   -- 'video' or 'image'
    label            VARCHAR NOT NULL,
    group_id         VARCHAR,
    source_split     VARCHAR,
    status           VARCHAR NOT NULL,   -- 'ok', 'partial' (some sampled frames unusable, see reason) or 'rejected'
    reason           VARCHAR,            -- why partial or rejected (zero-byte, truncated, unknown codec, short, no face)
    byte_size        BIGINT,
    mtime_ns         BIGINT,
    frame_count      INTEGER,            -- frames the container reports (videos)
    fps              DOUBLE,
    width            INTEGER,
    height           INTEGER,
    codec            VARCHAR,            -- FourCC the container reports (videos)
    frames_sampled   INTEGER,            -- frames asked for
    frames_read      INTEGER,            -- frames decoded
    faces_cropped    INTEGER,            -- crops saved (one per frame with a face)
    settings_key     VARCHAR,            -- the crop_settings the crops were made with
    PRIMARY KEY (dataset, rel_path)
);

-- Frame sampling and face crop settings, by their stable key (sources.settings_key).
CREATE TABLE crop_settings (
    settings_key  VARCHAR PRIMARY KEY,
    settings      VARCHAR NOT NULL     -- JSON: frames or every, margin, size, align, format, jpeg_quality, detector side
);

-- Extra manifest columns, kept as user-supplied per-image attributes (text; cast in SQL as needed).
CREATE TABLE image_attributes (
    image_id  BIGINT NOT NULL,
    name      VARCHAR NOT NULL,
    value     VARCHAR,
    PRIMARY KEY (image_id, name)
);

-- A train/validation/test partition of one dataset. split_id is a deterministic key of its settings.
CREATE TABLE splits (
    split_id             VARCHAR PRIMARY KEY,
    dataset              VARCHAR NOT NULL,
    strategy             VARCHAR NOT NULL,  -- 'random' (stratified by label), 'group', or 'source'
    test_fraction        DOUBLE,
    validation_fraction  DOUBLE,            -- share of the training part held out for early stopping
    seed                 INTEGER,
    group_source         VARCHAR,           -- where groups came from ('images.group_id' or a pattern)
    images_key           VARCHAR,           -- stable key of the image ids the split was drawn from
    n_train              INTEGER NOT NULL,
    n_validation         INTEGER NOT NULL,
    n_test               INTEGER NOT NULL,
    created_at           TIMESTAMP NOT NULL,
    package_version      VARCHAR NOT NULL
);

-- Each dataset's test partition: the split whose test part every model is scored on (a model trained on
-- the dataset is scored on its own split's test part, which is this one unless it was trained otherwise).
CREATE TABLE partitions (
    dataset        VARCHAR PRIMARY KEY,
    split_id       VARCHAR NOT NULL,   -- splits.split_id
    registered_by  VARCHAR NOT NULL,   -- 'study', 'train' (first run, or --set-partition) or 'evaluate'
    registered_at  TIMESTAMP NOT NULL
);

CREATE TABLE split_members (
    split_id  VARCHAR NOT NULL,
    image_id  BIGINT NOT NULL,
    part      VARCHAR NOT NULL,   -- 'train', 'validation' or 'test'
    PRIMARY KEY (split_id, image_id)
);

-- Duplicate leakage between the parts of a split, checked when it is drawn: one row per checked part.
CREATE TABLE split_leakage (
    split_id         VARCHAR NOT NULL,   -- splits.split_id
    part             VARCHAR NOT NULL,   -- 'test' or 'validation': the part whose images were checked
    against          VARCHAR NOT NULL,   -- the parts they were checked against ('train+validation' for test, 'train')
    n_images         INTEGER NOT NULL,   -- images in the checked part
    exact            INTEGER NOT NULL,   -- of them, with a byte-identical file (same SHA-256) in the other parts
    near             INTEGER NOT NULL,   -- of them, with a near-duplicate there (exact copies included)
    share            DOUBLE,             -- near / n_images
    warning_share    DOUBLE NOT NULL,    -- share from which the warning is given
    warning          VARCHAR,            -- the warning, with the split that avoids it (NULL below warning_share)
    detector         VARCHAR NOT NULL,   -- the near-duplicate detector: name, version and settings (JSON)
    computed_at      TIMESTAMP NOT NULL,
    package_version  VARCHAR NOT NULL,
    PRIMARY KEY (split_id, part)
);

-- The image pairs behind split_leakage: an image of the checked part and its copy in another part.
CREATE TABLE split_leaks (
    split_id         VARCHAR NOT NULL,
    image_id         BIGINT NOT NULL,    -- image of the checked part
    part             VARCHAR NOT NULL,   -- its part ('test' or 'validation')
    match_image_id   BIGINT NOT NULL,    -- its exact copy or near-duplicate in another part
    match_part       VARCHAR NOT NULL,   -- 'train' or 'validation'
    kind             VARCHAR NOT NULL,   -- 'exact' (same SHA-256) or 'near' (confirmed by the detector)
    similarity       DOUBLE,             -- SSIM of the aligned thumbnails that confirmed it (1 for exact copies)
    PRIMARY KEY (split_id, image_id, match_image_id)
);

-- A trained (or imported, e.g. published weights) model.
CREATE TABLE runs (
    run_id            VARCHAR PRIMARY KEY,  -- deterministic key of (arch, train dataset, split, config, seed)
    kind              VARCHAR NOT NULL,     -- 'trained' or 'imported'
    arch              VARCHAR NOT NULL,     -- registered architecture name ('meso4', 'mesoinception4')
    train_dataset     VARCHAR,              -- NULL for imported weights
    split_id          VARCHAR,
    config_name       VARCHAR,
    config            VARCHAR,              -- JSON of every training setting
    seed              INTEGER,
    status            VARCHAR NOT NULL,     -- 'running', 'complete', 'failed', 'interrupted' (Ctrl-C) or 'stale' (its images changed)
    error             VARCHAR,
    weights_path      VARCHAR,
    weights_sha256    VARCHAR,
    started_at        TIMESTAMP,
    finished_at       TIMESTAMP,
    train_seconds     DOUBLE,
    epochs_run        INTEGER,
    images_per_second DOUBLE,
    learned           VARCHAR,              -- did it learn, from validation data only: 'true', 'false', 'unknown' (model/learning.py)
    learned_auc       DOUBLE,               -- the stored model's validation AUC (fake = positive)
    learned_ci_low    DOUBLE,               -- its 95% bootstrap interval
    learned_ci_high   DOUBLE,
    learned_reason    VARCHAR,              -- the verdict's one-line reason
    claimed_by        VARCHAR,              -- 'host:pid' of the process training it (a second one refuses)
    package_version   VARCHAR NOT NULL,
    library_versions  VARCHAR,              -- JSON: tensorflow, keras, numpy, ...
    arm_id            VARCHAR               -- arms.arm_id when trained on a subset of the training part (NULL: all of it)
);

-- Controlled-subset experiments: an arm is a seeded, class-stratified subset of one split's training part
-- (its validation and test parts are never touched), built by an intervention that varies one thing (size, an
-- image trait, diversity) and matches the rest. arm_id is a stable key of everything below and the member ids,
-- so the same request finds the stored arm. Runs trained on an arm carry runs.arm_id; the ranking and every
-- other statistic count only runs on whole training parts (arm_id NULL).
CREATE TABLE arms (
    arm_id           VARCHAR PRIMARY KEY,
    intervention     VARCHAR NOT NULL,   -- its name: 'size', 'trait:<extractor.trait>', 'diversity', ...
    kind             VARCHAR NOT NULL,   -- 'size', 'trait', 'categorical' or 'diversity'
    dataset          VARCHAR NOT NULL,
    split_id         VARCHAR NOT NULL,   -- the split whose training part the arm is drawn from
    arm              VARCHAR NOT NULL,   -- 'fraction 0.25', 'matched', 'low', 'high', 'concentrated', 'balanced',
                                         -- 'narrow', 'random' or 'diverse'
    trait            VARCHAR,            -- 'extractor.trait' the arms differ in (trait and categorical kinds)
    fraction         DOUBLE,             -- the arm's images / the training part's images
    n_real           INTEGER NOT NULL,
    n_fake           INTEGER NOT NULL,
    seed             INTEGER NOT NULL,   -- seed of the subset choice
    measure          VARCHAR,            -- what measure_* describe: the trait, 'category_entropy_nats',
                                         -- 'mean_pairwise_distance' (standardized descriptor vectors)
    measure_mean     DOUBLE,             -- the achieved contrast: the measure in the arm (its mean for a trait) ...
    measure_sd       DOUBLE,             -- ... and its SD across the arm's images (NULL for set-level measures)
    parent_mean      DOUBLE,             -- the same over the whole training part
    parent_sd        DOUBLE,             -- the trait's SD over the training part (the scale of a standardized contrast)
    params           VARCHAR NOT NULL,   -- JSON: every setting of the intervention
    created_at       TIMESTAMP NOT NULL,
    package_version  VARCHAR NOT NULL
);

CREATE TABLE arm_members (
    arm_id    VARCHAR NOT NULL,
    image_id  BIGINT NOT NULL,
    PRIMARY KEY (arm_id, image_id)
);

-- Why an intervention has no arms on a dataset, as of its last attempt there (cleared when arms are drawn).
CREATE TABLE arm_problems (
    intervention     VARCHAR NOT NULL,
    dataset          VARCHAR NOT NULL,
    reason           VARCHAR NOT NULL,   -- e.g. 'faces.face_area_share is known for only 40 of 300 fake training images'
    params           VARCHAR NOT NULL,   -- JSON: the intervention's settings
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (intervention, dataset)
);

-- Training curves: one row per (run, epoch, part, metric).
CREATE TABLE run_history (
    run_id  VARCHAR NOT NULL,
    epoch   INTEGER NOT NULL,
    part    VARCHAR NOT NULL,   -- 'train' or 'validation'
    metric  VARCHAR NOT NULL,   -- 'loss', 'accuracy', 'learning_rate', ...
    value   DOUBLE,
    PRIMARY KEY (run_id, epoch, part, metric)
);

-- One evaluation of a run on a part of a dataset (a unit of work; complete when its row exists).
CREATE TABLE evaluations (
    run_id        VARCHAR NOT NULL,
    dataset       VARCHAR NOT NULL,
    part          VARCHAR NOT NULL,   -- 'test' (of split_id) or 'all'
    split_id      VARCHAR,
    n_images      INTEGER NOT NULL,
    resize        VARCHAR,            -- resize method used to reach the model's input size
    params        VARCHAR,            -- JSON: threshold, bootstrap resamples and seed, library versions
    seconds       DOUBLE,
    evaluated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (run_id, dataset, part)
);

-- The model output for every evaluated image.
CREATE TABLE predictions (
    run_id      VARCHAR NOT NULL,
    dataset     VARCHAR NOT NULL,
    part        VARCHAR NOT NULL,
    image_id    BIGINT NOT NULL,
    score_real  DOUBLE NOT NULL,   -- sigmoid output: probability the image is real
    PRIMARY KEY (run_id, dataset, part, image_id)
);

-- Metrics per (run, evaluated dataset, part, level). level 'image', or 'group' (scores averaged per group/video).
CREATE TABLE metrics (
    run_id   VARCHAR NOT NULL,
    dataset  VARCHAR NOT NULL,
    part     VARCHAR NOT NULL,
    level    VARCHAR NOT NULL,
    metric   VARCHAR NOT NULL,    -- 'accuracy', 'accuracy_fake', 'accuracy_real', 'auc', 'ap', 'eer', ...
    value    DOUBLE,
    ci_low   DOUBLE,
    ci_high  DOUBLE,
    n        INTEGER NOT NULL,
    PRIMARY KEY (run_id, dataset, part, level, metric)
);

-- Per-image descriptors, keyed by content so unchanged images are never measured twice.
CREATE TABLE image_traits (
    content_hash       VARCHAR NOT NULL,
    extractor          VARCHAR NOT NULL,   -- 'quality', 'faces', 'skin', 'identity', 'deepface'
    trait              VARCHAR NOT NULL,
    value              DOUBLE,             -- numeric value, NULL when undefined
    category           VARCHAR,            -- categorical value (e.g. ITA category), if the trait is one
    missing_reason     VARCHAR,            -- why value and category are NULL
    extractor_version  VARCHAR NOT NULL,   -- changes when the extractor's method or settings change
    PRIMARY KEY (content_hash, extractor, trait)
);

-- The 128-d face descriptor of each image's primary face (dlib_face_recognition_resnet_model_v1, the 'identity'
-- extractor), keyed by content like image_traits. Two faces of one person lie closer than 0.6 (Euclidean).
-- An image without a face has no row (its identity traits in image_traits say why).
CREATE TABLE face_descriptors (
    content_hash       VARCHAR PRIMARY KEY,
    descriptor         FLOAT[128] NOT NULL,
    extractor_version  VARCHAR NOT NULL   -- the identity extractor's version (image_traits.extractor_version)
);

-- Per-dataset traits; n is the number of images the value rests on.
CREATE TABLE dataset_traits (
    dataset      VARCHAR NOT NULL,
    trait        VARCHAR NOT NULL,   -- e.g. 'images', 'sharpness.mean', 'ita_category.entropy' (README: Dataset traits)
    class        VARCHAR NOT NULL,   -- 'all', 'real' or 'fake'
    value        DOUBLE,
    ci_low       DOUBLE,
    ci_high      DOUBLE,
    n            INTEGER NOT NULL,
    params       VARCHAR,            -- JSON: subsample size, seed, bins, ...
    computed_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (dataset, trait, class)
);

-- Distances and similarities between two datasets' descriptor distributions.
CREATE TABLE dataset_pair_traits (
    dataset_a    VARCHAR NOT NULL,
    dataset_b    VARCHAR NOT NULL,
    trait        VARCHAR NOT NULL,   -- 'frechet_distance', 'mmd_squared', 'precision', 'recall', 'density', 'coverage'
    value        DOUBLE,
    n_a          INTEGER NOT NULL,
    n_b          INTEGER NOT NULL,
    params       VARCHAR,
    computed_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (dataset_a, dataset_b, trait)
);

-- Low-dimensional embeddings of images (e.g. the joint UMAP map).
CREATE TABLE embeddings (
    method     VARCHAR NOT NULL,   -- e.g. 'umap_descriptors'
    image_id   BIGINT NOT NULL,
    x          DOUBLE NOT NULL,
    y          DOUBLE NOT NULL,
    params     VARCHAR,            -- JSON: seed, n_neighbors, subsample, ...
    PRIMARY KEY (method, image_id)
);

-- Provenance of every statistical analysis written to the store (python -m dsanalysis analyze).
-- analysis_id is a deterministic key of (name, params, inputs): re-running on the same inputs with the
-- same settings replaces the analysis; new runs or traits give a new one, and older ones are kept.
CREATE TABLE analyses (
    analysis_id       VARCHAR PRIMARY KEY,
    name              VARCHAR NOT NULL,   -- 'ranking', 'traits' or 'subgroups'
    params            VARCHAR,            -- JSON of every setting that shapes the result
    seed              INTEGER,            -- seed of every bootstrap and permutation in the analysis
    inputs            VARCHAR,            -- JSON: runs, datasets and a fingerprint of the input rows
    package_version   VARCHAR NOT NULL,
    library_versions  VARCHAR,
    created_at        TIMESTAMP NOT NULL
);

-- Analysis output tables in long form: one row per cell, so every tidy table of the README's Statistics reference
-- is stored with its provenance whatever its columns (the library's tables may grow a column without
-- a schema change). Typed, wide views of each result are the named queries analysis_* in sql/queries
-- (python -m dsanalysis sql --list); Python reads one back with dsanalysis.stats.results.load_result.
CREATE TABLE analysis_results (
    analysis_id   VARCHAR NOT NULL,
    result        VARCHAR NOT NULL,    -- table name within the analysis ('scores', 'friedman', ...)
    row_index     INTEGER NOT NULL,
    column_index  INTEGER NOT NULL,    -- the column's position in the table
    column_name   VARCHAR NOT NULL,
    number        DOUBLE,              -- numeric and boolean (1/0) cells; NULL = not estimable (see the row's note)
    text          VARCHAR,             -- text cells
    PRIMARY KEY (analysis_id, result, row_index, column_name)
);
