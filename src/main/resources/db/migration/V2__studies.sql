-- Received DICOM: Study → Series → Instance. Identity and technical attributes only: no patient
-- names, IDs or dates are stored here. The instance bytes live in the content-addressed file
-- store, named by content_sha256.

CREATE TABLE study (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    study_instance_uid VARCHAR(64) NOT NULL UNIQUE,
    -- RECEIVING until the last IngestStudy call ends or a C-STORE quiet period passes.
    reception          VARCHAR(16) NOT NULL CHECK (reception IN ('RECEIVING', 'COMPLETE')),
    -- Sum of size_bytes of the study's instances; bounded by glean.ingest.max-study-size.
    stored_bytes       BIGINT      NOT NULL CHECK (stored_bytes >= 0),
    first_received_at  TIMESTAMPTZ NOT NULL,
    last_received_at   TIMESTAMPTZ NOT NULL,
    completed_at       TIMESTAMPTZ
);

-- The quiet-period watcher looks only at studies still receiving.
CREATE INDEX study_receiving_idx ON study (last_received_at) WHERE reception = 'RECEIVING';

CREATE TABLE series (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    study_id            BIGINT      NOT NULL REFERENCES study (id),
    series_instance_uid VARCHAR(64) NOT NULL UNIQUE,
    modality            VARCHAR(16) NOT NULL,
    series_number       INTEGER     NOT NULL
);

CREATE INDEX series_study_idx ON series (study_id);

CREATE TABLE instance (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    series_id           BIGINT      NOT NULL REFERENCES series (id),
    sop_instance_uid    VARCHAR(64) NOT NULL UNIQUE,
    sop_class_uid       VARCHAR(64) NOT NULL,
    transfer_syntax_uid VARCHAR(64) NOT NULL,
    instance_number     INTEGER     NOT NULL,
    pixel_rows          INTEGER     NOT NULL CHECK (pixel_rows >= 0),
    pixel_columns       INTEGER     NOT NULL CHECK (pixel_columns >= 0),
    number_of_frames    INTEGER     NOT NULL CHECK (number_of_frames >= 0),
    content_sha256      CHAR(64)    NOT NULL,
    size_bytes          BIGINT      NOT NULL CHECK (size_bytes > 0),
    status              VARCHAR(16) NOT NULL CHECK (status IN ('ACCEPTED', 'REJECTED')),
    rejection_reason    TEXT,
    received_at         TIMESTAMPTZ NOT NULL,
    CHECK ((status = 'REJECTED') = (rejection_reason IS NOT NULL))
);

CREATE INDEX instance_series_idx ON instance (series_id);
CREATE INDEX instance_content_idx ON instance (content_sha256);
