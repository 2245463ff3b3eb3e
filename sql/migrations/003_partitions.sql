-- Schema version 3: each dataset's test partition (the split every model is scored on), so models
-- trained on other datasets are tested on the same images as the dataset's own models; and whether
-- each run learned (from its validation part; NULL for runs trained before).
-- Existing stores: a dataset gets a partition on the next train, evaluate or study run that needs it.
-- Column comments: sql/schema.sql.

CREATE TABLE partitions (
    dataset        VARCHAR PRIMARY KEY,
    split_id       VARCHAR NOT NULL,
    registered_by  VARCHAR NOT NULL,
    registered_at  TIMESTAMP NOT NULL
);

ALTER TABLE runs ADD COLUMN learned VARCHAR;
ALTER TABLE runs ADD COLUMN learned_auc DOUBLE;
ALTER TABLE runs ADD COLUMN learned_ci_low DOUBLE;
ALTER TABLE runs ADD COLUMN learned_ci_high DOUBLE;
ALTER TABLE runs ADD COLUMN learned_reason VARCHAR;
ALTER TABLE runs ADD COLUMN claimed_by VARCHAR;
