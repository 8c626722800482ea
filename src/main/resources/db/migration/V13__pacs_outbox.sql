-- Results going back to the PACS (org.glean.pacs): each generated DICOM document once, and one
-- delivery row per destination that takes it. A document is written when the event that causes
-- it (a study scored, an annotation submitted) has committed; its SOPInstanceUID is derived from
-- what it is, so writing it again changes nothing.
CREATE TABLE pacs_outbox_document (
    sop_instance_uid   TEXT        PRIMARY KEY,
    study_instance_uid TEXT        NOT NULL,
    -- sr: the detector's report of a scored study; kos: the selection of a study queued for
    -- annotation; annotation-sr: a clinician's submitted boxes.
    kind               TEXT        NOT NULL CHECK (kind IN ('sr', 'kos', 'annotation-sr')),
    sop_class_uid      TEXT        NOT NULL,
    -- The Part-10 bytes; emptied once every delivery of the document is done, since they carry
    -- the patient's name and ID.
    part10             BYTEA,
    created_at         TIMESTAMPTZ NOT NULL
);

CREATE INDEX pacs_outbox_document_study ON pacs_outbox_document (study_instance_uid);

CREATE TABLE pacs_outbox_delivery (
    id               BIGSERIAL   PRIMARY KEY,
    -- The destination's name from glean.pacs.destinations.<name>.
    destination      TEXT        NOT NULL,
    sop_instance_uid TEXT        NOT NULL REFERENCES pacs_outbox_document ON DELETE CASCADE,
    -- PENDING: not yet tried; RETRYING: tried and failed, tried again at next_attempt_at;
    -- DELIVERED: the destination accepted it.
    state            TEXT        NOT NULL CHECK (state IN ('PENDING', 'RETRYING', 'DELIVERED')),
    attempts         INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    -- Why the last attempt failed, without patient data; null once delivered.
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    delivered_at     TIMESTAMPTZ,
    UNIQUE (destination, sop_instance_uid)
);

-- The worker's question: what is due now, per destination, oldest first.
CREATE INDEX pacs_outbox_delivery_due ON pacs_outbox_delivery (destination, next_attempt_at)
    WHERE state <> 'DELIVERED';
