-- Fine-tuning jobs and the lineage and promotion history of model versions. No patient data:
-- StudyInstanceUIDs at most (in failure reasons), model version ids, operator names.

-- What ListModels shows of a version beyond model_version's V3 columns.
ALTER TABLE model_version
    -- The version it was fine-tuned from (also in its manifest); NULL for an installed model.
    ADD COLUMN parent_version  VARCHAR(32),
    -- mAP@0.5 on the held-out studies of the job that made it; NULL for an installed model.
    ADD COLUMN validation_map  DOUBLE PRECISION,
    -- Why a candidate was not promoted (the gate's verdict); NULL otherwise.
    ADD COLUMN candidate_reason TEXT,
    -- When it stopped being current; NULL while current or never current (a candidate).
    ADD COLUMN retired_at      TIMESTAMPTZ,
    -- Set when a rollback took it out of service: a later rollback does not return to it.
    ADD COLUMN rolled_back_at  TIMESTAMPTZ;

-- Every change of the current version: who, what, from which to which, and why.
CREATE TABLE model_promotion (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- GATE (a fine-tuning job's gate passed), PROMOTE (an operator's Promote), ROLLBACK.
    action           VARCHAR(16) NOT NULL CHECK (action IN ('GATE', 'PROMOTE', 'ROLLBACK')),
    version_id       VARCHAR(32) NOT NULL REFERENCES model_version (version_id),
    previous_version VARCHAR(32) REFERENCES model_version (version_id),
    actor            TEXT        NOT NULL,
    reason           TEXT        NOT NULL,
    occurred_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE fine_tune_job (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- RUNNING until it ends SUCCEEDED or FAILED; a server that stops while it runs marks it
    -- FAILED on its next start.
    state             VARCHAR(16) NOT NULL CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
    -- MANUAL (Models.StartFineTune) or AUTO (glean.training.auto-fine-tune-after).
    trigger_kind      VARCHAR(16) NOT NULL CHECK (trigger_kind IN ('MANUAL', 'AUTO')),
    requested_by      TEXT        NOT NULL,
    parent_version    VARCHAR(32),
    epochs            INTEGER     NOT NULL CHECK (epochs > 0),
    learning_rate     DOUBLE PRECISION NOT NULL CHECK (learning_rate > 0),
    -- Frames trained on and held out, and the held-out studies.
    training_images   INTEGER,
    validation_images INTEGER,
    validation_studies INTEGER,
    -- The latest progress: epoch (1-based), step, loss, images/s, the last validation mAP@0.5.
    epoch             INTEGER,
    step              BIGINT,
    loss              DOUBLE PRECISION,
    images_per_second DOUBLE PRECISION,
    validation_map    DOUBLE PRECISION,
    -- mAP@0.5 of the version current at the gate, on the same held-out studies.
    current_map       DOUBLE PRECISION,
    candidate_version VARCHAR(32),
    -- PROMOTED or KEPT_AS_CANDIDATE once SUCCEEDED.
    outcome           VARCHAR(24) CHECK (outcome IN ('PROMOTED', 'KEPT_AS_CANDIDATE')),
    -- The gate's verdict when SUCCEEDED, what went wrong (and what to do) when FAILED.
    reason            TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ,
    CHECK ((state = 'SUCCEEDED') = (outcome IS NOT NULL)),
    CHECK (state = 'RUNNING' OR reason IS NOT NULL)
);

-- One job at a time, whatever the number of replicas.
CREATE UNIQUE INDEX fine_tune_job_one_running ON fine_tune_job (state) WHERE state = 'RUNNING';
