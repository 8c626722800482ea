-- Set by start-up reconciliation when the instance store lacks the file an instance names
-- (content_sha256); cleared when the file is back (the instance sent again). Curation, training
-- and calibration leave such instances out.
ALTER TABLE instance ADD COLUMN file_missing_since TIMESTAMPTZ;
