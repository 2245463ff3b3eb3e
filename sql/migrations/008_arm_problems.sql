-- Schema version 8: why an intervention has no arms on a dataset (too few images, a trait missing for most of
-- them), so the analysis can say so. Column comments: sql/schema.sql.

CREATE TABLE arm_problems (
    intervention     VARCHAR NOT NULL,
    dataset          VARCHAR NOT NULL,
    reason           VARCHAR NOT NULL,
    params           VARCHAR NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (intervention, dataset)
);
