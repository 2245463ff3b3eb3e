-- Schema version 7: controlled-subset experiments (python -m dsanalysis intervene, a study's [interventions]).
-- An arm is a seeded, class-stratified subset of one split's training part (the validation and test parts are
-- never touched); a run trained on an arm records it in runs.arm_id. Existing runs trained on whole training
-- parts keep arm_id NULL. Column comments: sql/schema.sql.

CREATE TABLE arms (
    arm_id           VARCHAR PRIMARY KEY,
    intervention     VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,
    dataset          VARCHAR NOT NULL,
    split_id         VARCHAR NOT NULL,
    arm              VARCHAR NOT NULL,
    trait            VARCHAR,
    fraction         DOUBLE,
    n_real           INTEGER NOT NULL,
    n_fake           INTEGER NOT NULL,
    seed             INTEGER NOT NULL,
    measure          VARCHAR,
    measure_mean     DOUBLE,
    measure_sd       DOUBLE,
    parent_mean      DOUBLE,
    parent_sd        DOUBLE,
    params           VARCHAR NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    package_version  VARCHAR NOT NULL
);

CREATE TABLE arm_members (
    arm_id    VARCHAR NOT NULL,
    image_id  BIGINT NOT NULL,
    PRIMARY KEY (arm_id, image_id)
);

ALTER TABLE runs ADD COLUMN arm_id VARCHAR;
