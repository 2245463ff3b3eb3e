-- Schema version 6: a cap on the images a study uses per class (ingest --max-images-per-class), so a
-- first study of 12,000-image folders runs on a laptop without copying files. The cap and its seed are
-- stored with the dataset; every consumer reads the capped set through the usable_images statement.
-- Existing datasets have no cap (NULL). Column comments: sql/schema.sql.

ALTER TABLE datasets ADD COLUMN max_images_per_class INTEGER;
ALTER TABLE datasets ADD COLUMN cap_seed INTEGER;
