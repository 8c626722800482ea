-- Curation: selection policies, the decisions taken under them, annotation tasks with leases and
-- an audit trail. Identity only: StudyInstanceUIDs, SOPInstanceUIDs, annotator ids; never patient
-- names, IDs or dates.

-- Every policy ever in force; a row is never changed, so a decision that names its row keeps the
-- policy it was taken under. The current policy is the row with the highest version.
CREATE TABLE curation_policy (
    version                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- A study whose informativeness is below this is not queued; NULL: no threshold.
    informativeness_threshold DOUBLE PRECISION,
    -- At most this many tasks are queued per budget period; 0: no budget.
    budget_per_period         INTEGER     NOT NULL CHECK (budget_per_period >= 0),
    -- Length of a budget period; periods are aligned to the Unix epoch (whole UTC days for 86400).
    budget_period_seconds     BIGINT      NOT NULL CHECK (budget_period_seconds > 0),
    changed_by                TEXT        NOT NULL,
    changed_at                TIMESTAMPTZ NOT NULL
);

-- Until someone sets a policy: every scored study is queued, no budget.
INSERT INTO curation_policy (informativeness_threshold, budget_per_period, budget_period_seconds, changed_by,
                             changed_at)
VALUES (NULL, 0, 86400, 'glean', now());

CREATE TABLE annotation_task (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    study_instance_uid VARCHAR(64)      NOT NULL,
    model_version      TEXT             NOT NULL,
    -- The study's informativeness; the queue hands out the highest first.
    informativeness    DOUBLE PRECISION NOT NULL,
    -- The scoring model's classes: submitted boxes must carry one of them.
    class_names        TEXT[]           NOT NULL,
    -- QUEUED and EXPIRED tasks wait in the queue; CLAIMED is leased; SUBMITTED and SKIPPED are done.
    state              VARCHAR(16)      NOT NULL
        CHECK (state IN ('QUEUED', 'CLAIMED', 'SUBMITTED', 'SKIPPED', 'EXPIRED')),
    annotator_id       TEXT,
    lease_expires_at   TIMESTAMPTZ,
    created_at         TIMESTAMPTZ      NOT NULL,
    submitted_at       TIMESTAMPTZ,
    skip_reason        TEXT,
    -- Set when the budget gave this task's place to a more informative study.
    displaced_by       BIGINT REFERENCES annotation_task (id),
    -- A lease has a holder and an end; SUBMITTED and SKIPPED tasks keep who did it.
    CHECK ((state = 'CLAIMED') = (lease_expires_at IS NOT NULL)),
    CHECK (state <> 'CLAIMED' OR annotator_id IS NOT NULL),
    CHECK ((state = 'SKIPPED') = (skip_reason IS NOT NULL))
);

-- At most one open task per study, whatever the number of replicas deciding at once.
CREATE UNIQUE INDEX annotation_task_one_open_per_study ON annotation_task (study_instance_uid)
    WHERE state IN ('QUEUED', 'CLAIMED', 'EXPIRED');
-- ClaimNextTask and ListQueue walk the waiting tasks in priority order.
CREATE INDEX annotation_task_waiting ON annotation_task (informativeness DESC, id)
    WHERE state IN ('QUEUED', 'EXPIRED');
-- Expiry looks only at leased tasks.
CREATE INDEX annotation_task_leases ON annotation_task (lease_expires_at) WHERE state = 'CLAIMED';
CREATE INDEX annotation_task_created ON annotation_task (created_at);
CREATE INDEX annotation_task_submitted ON annotation_task (submitted_at) WHERE state = 'SUBMITTED';

-- The frames of a task's study, with the model's objects as pre-annotations and, once submitted,
-- the annotator's boxes; box lists as JSON arrays of {label, score, xmin, ymin, xmax, ymax}.
CREATE TABLE task_image (
    task_id          BIGINT           NOT NULL REFERENCES annotation_task (id),
    position         INTEGER          NOT NULL,
    sop_instance_uid VARCHAR(64)      NOT NULL,
    frame            INTEGER          NOT NULL CHECK (frame >= 1),
    pixel_rows       INTEGER          NOT NULL CHECK (pixel_rows > 0),
    pixel_columns    INTEGER          NOT NULL CHECK (pixel_columns > 0),
    informativeness  DOUBLE PRECISION NOT NULL,
    pre_annotations  JSONB            NOT NULL,
    -- NULL until the task is submitted; an empty array then means "no findings on this frame".
    annotation       JSONB,
    PRIMARY KEY (task_id, position),
    UNIQUE (task_id, sop_instance_uid, frame)
);

-- One decision per study and model version: deciding again returns this row.
CREATE TABLE curation_decision (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    study_instance_uid VARCHAR(64)      NOT NULL,
    model_version      TEXT             NOT NULL,
    informativeness    DOUBLE PRECISION NOT NULL,
    outcome            VARCHAR(16)      NOT NULL CHECK (outcome IN ('QUEUED', 'NOT_QUEUED', 'ALREADY_OPEN')),
    reason             TEXT             NOT NULL,
    -- The task queued, or the open task that was already there.
    task_id            BIGINT REFERENCES annotation_task (id),
    policy_version     BIGINT           NOT NULL REFERENCES curation_policy (version),
    decided_at         TIMESTAMPTZ      NOT NULL,
    UNIQUE (study_instance_uid, model_version),
    CHECK ((outcome = 'NOT_QUEUED') = (task_id IS NULL))
);

-- Who did what when: every decision, task state transition and policy change. The actor is an
-- annotator id, an operator's name, or "glean" for the server's own acts.
CREATE TABLE curation_audit (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at        TIMESTAMPTZ NOT NULL,
    actor              TEXT        NOT NULL,
    action             VARCHAR(32) NOT NULL,
    task_id            BIGINT REFERENCES annotation_task (id),
    study_instance_uid VARCHAR(64),
    from_state         VARCHAR(16),
    to_state           VARCHAR(16),
    detail             TEXT        NOT NULL
);

CREATE INDEX curation_audit_task ON curation_audit (task_id, id);
