-- Schema version 4: who is in each image. face_descriptors holds the 128-d dlib face descriptor of each
-- image's primary face (the identity extractor), keyed by content like image_traits; its landmark
-- attributes (eye and mouth aspect ratios, head pose, interocular distance) are image_traits rows of
-- extractor 'identity'. Existing stores get descriptors on the next `traits --extractors faces,identity`.
-- Column comments: sql/schema.sql.

CREATE TABLE face_descriptors (
    content_hash       VARCHAR PRIMARY KEY,
    descriptor         FLOAT[128] NOT NULL,
    extractor_version  VARCHAR NOT NULL
);
