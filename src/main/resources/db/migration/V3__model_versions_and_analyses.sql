-- Model versions known to this deployment, and the analyses they produced. No patient data.

CREATE TABLE model_version (
    -- The first 16 hex digits of SHA-256(manifest.json ‖ parameters.bin): the same files are the
    -- same version wherever they are installed.
    version_id               VARCHAR(32)  PRIMARY KEY,
    -- Where it was found: a directory under glean.models.dir, or "classpath:/model".
    source                   TEXT         NOT NULL,
    manifest                 JSONB        NOT NULL,
    -- UncertaintyStatistics JSON from `glean calibrate`; NULL until calibrated, when the
    -- manifest's normalisationStatistics apply.
    normalisation_statistics JSONB,
    calibrated_at            TIMESTAMPTZ,
    is_current               BOOLEAN      NOT NULL DEFAULT FALSE,
    registered_at            TIMESTAMPTZ  NOT NULL
);

-- At most one current version.
CREATE UNIQUE INDEX model_version_one_current_idx ON model_version (is_current) WHERE is_current;

-- One analysis per study and model version; scoring again with the same version replaces it.
CREATE TABLE study_analysis (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    study_id        BIGINT           NOT NULL REFERENCES study (id),
    -- No foreign key: in remote inference mode the version lives on the inference instance,
    -- which may keep its registry in another database.
    model_version   VARCHAR(32)      NOT NULL,
    -- The study's informativeness (method.md §5.5); the lowest double when no image has an object.
    informativeness DOUBLE PRECISION NOT NULL,
    -- Per image: objects with raw and z-scored uncertainties, informativeness, analysis errors;
    -- the JSON form of org.glean.inference.StudyScores.
    scores          JSONB            NOT NULL,
    analysed_at     TIMESTAMPTZ      NOT NULL,
    UNIQUE (study_id, model_version)
);

CREATE INDEX study_analysis_latest_idx ON study_analysis (study_id, analysed_at DESC);
