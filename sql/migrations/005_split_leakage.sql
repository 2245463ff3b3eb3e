-- Schema version 5: duplicate leakage between the parts of each split, checked when the split is drawn.
-- split_leakage holds one row per checked part (test against train and validation, validation against
-- train) with its counts, the warning and the threshold it was given at; split_leaks holds the matched
-- image pairs, so each flagged pair can be looked at. Splits stored before get their rows the next time
-- a train, evaluate or study run uses them.
-- Column comments: sql/schema.sql.

CREATE TABLE split_leakage (
    split_id         VARCHAR NOT NULL,
    part             VARCHAR NOT NULL,
    against          VARCHAR NOT NULL,
    n_images         INTEGER NOT NULL,
    exact            INTEGER NOT NULL,
    near             INTEGER NOT NULL,
    share            DOUBLE,
    warning_share    DOUBLE NOT NULL,
    warning          VARCHAR,
    detector         VARCHAR NOT NULL,
    computed_at      TIMESTAMP NOT NULL,
    package_version  VARCHAR NOT NULL,
    PRIMARY KEY (split_id, part)
);

CREATE TABLE split_leaks (
    split_id         VARCHAR NOT NULL,
    image_id         BIGINT NOT NULL,
    part             VARCHAR NOT NULL,
    match_image_id   BIGINT NOT NULL,
    match_part       VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,
    similarity       DOUBLE,
    PRIMARY KEY (split_id, image_id, match_image_id)
);
