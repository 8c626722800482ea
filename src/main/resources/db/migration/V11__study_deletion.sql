-- Deleting studies (DeleteStudy, the retention period; docs/security.md). The rows of a study go
-- in one transaction; its files cannot, so that transaction lists them here and they are removed
-- right after it commits, or at the next start after a crash. Until then no row names them.
CREATE TABLE store_file_removal (
    -- The file's name in the instance store (org.glean.ingest.InstanceStore).
    content_sha256 CHAR(64)    PRIMARY KEY,
    -- audit_study_ref of the deleted study: a retried deletion finishes what it left.
    study          CHAR(64)    NOT NULL,
    requested_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX store_file_removal_study ON store_file_removal (study);

-- The retention period finds studies by the time their last instance arrived.
CREATE INDEX study_last_received_idx ON study (last_received_at);
