-- What each configured PACS source has handed over (org.glean.pacs): a study is taken once per
-- source, and polling after a restart skips what is listed here. A study appears only once all
-- of its instances were stored, so a pass broken off by the PACS leaves no row and is retried.
CREATE TABLE pacs_source_study (
    -- The source's name from glean.pacs.sources.<name>.
    source             TEXT        NOT NULL,
    study_instance_uid TEXT        NOT NULL,
    -- Instances stored, and instances Glean refused (not DICOM it can keep; the log says why).
    instances_stored   INTEGER     NOT NULL,
    instances_refused  INTEGER     NOT NULL,
    taken_at           TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, study_instance_uid)
);
