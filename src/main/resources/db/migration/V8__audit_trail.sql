-- The audit trail (docs/security.md, Audit): one append-only, hash-chained record of every change
-- and every read of patient-derived data. It replaces V5's curation_audit, whose rows move here.
-- A study is named by the SHA-256 of its StudyInstanceUID (audit_study_ref), so that the trail
-- outlives a deleted study without keeping its identifier.

CREATE FUNCTION audit_study_ref(study_instance_uid TEXT) RETURNS CHAR(64)
    LANGUAGE sql IMMUTABLE STRICT
    RETURN encode(sha256(convert_to(study_instance_uid, 'UTF8')), 'hex');

CREATE TABLE audit_trail (
    -- 1, 2, 3, … in chain order, set by audit_trail_chain: the order rows were appended in.
    id            BIGINT      PRIMARY KEY CHECK (id >= 1),
    occurred_at   TIMESTAMPTZ NOT NULL,
    -- A token's subject, a DICOM calling AE title, "glean" for the server's own acts, or
    -- "anonymous" for a call without a valid token.
    actor         TEXT        NOT NULL,
    -- The caller's network address (host:port), when there was a caller.
    peer          TEXT,
    -- org.glean.security.AuditAction.
    action        VARCHAR(32) NOT NULL,
    -- OK, or the gRPC status code a call was answered with (PERMISSION_DENIED, NOT_FOUND, …).
    outcome       VARCHAR(32) NOT NULL,
    -- audit_study_ref of the study concerned.
    study         CHAR(64),
    task_id       BIGINT,
    -- Any other object concerned, in words: "model 32ca4caa87e37a9a", "user bob", "job 4".
    target        TEXT,
    -- A task's state before and after (the task's history, Curation.GetTask).
    from_state    VARCHAR(16),
    to_state      VARCHAR(16),
    detail        TEXT        NOT NULL,
    -- row_hash of the row before (64 zeros for the first); row_hash is SHA-256 of previous_hash
    -- followed by audit_trail_content of the row, in hex.
    previous_hash CHAR(64)    NOT NULL,
    row_hash      CHAR(64)    NOT NULL
);

CREATE INDEX audit_trail_task ON audit_trail (task_id, id) WHERE task_id IS NOT NULL;
CREATE INDEX audit_trail_study ON audit_trail (study, id) WHERE study IS NOT NULL;
CREATE INDEX audit_trail_actor ON audit_trail (actor, id);
CREATE INDEX audit_trail_action ON audit_trail (action, id);
CREATE INDEX audit_trail_time ON audit_trail (occurred_at);

-- What a row's hash covers: every column but the hashes, each as its length in characters, a
-- colon and its text ("-" for NULL), joined by "|"; the time in UTC to the microsecond.
-- org.glean.security.AuditTrail's verifier computes the same in Java, independently.
CREATE FUNCTION audit_trail_content(entry audit_trail) RETURNS TEXT
    LANGUAGE sql STABLE
    RETURN array_to_string(ARRAY(
        SELECT CASE WHEN field IS NULL THEN '-' ELSE char_length(field) || ':' || field END
        FROM unnest(ARRAY[entry.id::text,
                          to_char(entry.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                          entry.actor, entry.peer, entry.action, entry.outcome, entry.study::text, entry.task_id::text,
                          entry.target, entry.from_state, entry.to_state, entry.detail]) WITH ORDINALITY AS f (field, n)
        ORDER BY n), '|');

-- Every insert joins the chain: under a transaction-level advisory lock (held until commit, so
-- that concurrent writers append one after the other and the chain stays linear) the row takes
-- the next id and the head's hash. Write audit rows last in a transaction: the lock is held from
-- the first of them to the commit.
CREATE FUNCTION audit_trail_chain() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    head RECORD;
BEGIN
    PERFORM pg_advisory_xact_lock(7452442952527344996); -- "gleanAud" as a big-endian long
    SELECT id, row_hash INTO head FROM audit_trail ORDER BY id DESC LIMIT 1;
    NEW.id := COALESCE(head.id, 0) + 1;
    NEW.previous_hash := COALESCE(head.row_hash, repeat('0', 64));
    NEW.occurred_at := COALESCE(NEW.occurred_at, now());
    NEW.row_hash := encode(sha256(convert_to(NEW.previous_hash || audit_trail_content(NEW), 'UTF8')), 'hex');
    RETURN NEW;
END $$;

CREATE TRIGGER audit_trail_chain BEFORE INSERT ON audit_trail FOR EACH ROW EXECUTE FUNCTION audit_trail_chain();

-- Append-only: the database refuses to change or remove a row, whoever asks.
CREATE FUNCTION audit_trail_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_trail is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_trail_append_only BEFORE UPDATE OR DELETE ON audit_trail
    FOR EACH ROW EXECUTE FUNCTION audit_trail_refuse_change();
CREATE TRIGGER audit_trail_no_truncate BEFORE TRUNCATE ON audit_trail
    FOR EACH STATEMENT EXECUTE FUNCTION audit_trail_refuse_change();

-- curation_audit's rows, in their order, become the start of the chain; the one reason that
-- named another study's UID (a displacement) names it no more, in the trail or on the task.
INSERT INTO audit_trail (occurred_at, actor, action, outcome, study, task_id, from_state, to_state, detail)
SELECT occurred_at, actor, action, 'OK', audit_study_ref(study_instance_uid), task_id, from_state, to_state,
       regexp_replace(detail, 'the more informative study [0-9.]+ \(task', 'the more informative task (task')
FROM curation_audit ORDER BY id;

UPDATE annotation_task
SET skip_reason = regexp_replace(skip_reason, 'the more informative study [0-9.]+ \(task',
                                 'the more informative task (task')
WHERE displaced_by IS NOT NULL;

DROP TABLE curation_audit;

-- A task's displacer may be deleted with its study (DeleteStudy); the displaced task keeps its id.
ALTER TABLE annotation_task DROP CONSTRAINT annotation_task_displaced_by_fkey;
