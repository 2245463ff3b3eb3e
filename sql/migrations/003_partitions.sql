-- Schema version 3: each dataset's test partition (the split every model is scored on), so models
-- trained on other datasets are tested on the same images as the dataset's own models.
-- Existing stores: a dataset gets a partition on the next train, evaluate or study run that needs it.
-- Column comments: sql/schema.sql.

CREATE TABLE partitions (
    dataset        VARCHAR PRIMARY KEY,
    split_id       VARCHAR NOT NULL,
    registered_by  VARCHAR NOT NULL,
    registered_at  TIMESTAMP NOT NULL
);
