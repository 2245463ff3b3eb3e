-- Schema version 2: images cut from videos and face crops of uncropped photos.
-- images gain where a crop came from (source file, frame) and where the crop is saved; sources
-- holds one row per video or photo that crops were cut from, with its status and reason (zero-byte,
-- truncated, unknown codec, short, no face); crop_settings holds the settings the crops were made with.
-- Column comments: sql/schema.sql.

ALTER TABLE images ADD COLUMN source_path VARCHAR;
ALTER TABLE images ADD COLUMN frame_index INTEGER;
ALTER TABLE images ADD COLUMN crop_path VARCHAR;

CREATE TABLE sources (
    dataset          VARCHAR NOT NULL,
    rel_path         VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,
    label            VARCHAR NOT NULL,
    group_id         VARCHAR,
    source_split     VARCHAR,
    status           VARCHAR NOT NULL,
    reason           VARCHAR,
    byte_size        BIGINT,
    mtime_ns         BIGINT,
    frame_count      INTEGER,
    fps              DOUBLE,
    width            INTEGER,
    height           INTEGER,
    codec            VARCHAR,
    frames_sampled   INTEGER,
    frames_read      INTEGER,
    faces_cropped    INTEGER,
    settings_key     VARCHAR,
    PRIMARY KEY (dataset, rel_path)
);

CREATE TABLE crop_settings (
    settings_key  VARCHAR PRIMARY KEY,
    settings      VARCHAR NOT NULL
);
