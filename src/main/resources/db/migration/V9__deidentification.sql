-- What de-identification keeps inside Glean (docs/security.md, "Patient data and de-identification").

-- The pseudonymous UID map. Every UID that leaves Glean in a de-identified export (StudyInstanceUID,
-- SOPInstanceUID, FrameOfReferenceUID, ...) is replaced by its pseudonym here: drawn at random the
-- first time (2.25.<a random UUID as an integer>) and the same for that UID ever after, on every
-- replica. Only this table links a pseudonym to the original.
CREATE TABLE uid_pseudonym (
    original_uid VARCHAR(64) PRIMARY KEY,
    pseudonym    VARCHAR(64) NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Random secrets of this installation, made on first start and shared by every replica:
-- 'log-references' keys the short references that stand for UIDs in logs (org.glean.security.UidReference).
CREATE TABLE installation_secret (
    purpose    TEXT PRIMARY KEY,
    secret     BYTEA       NOT NULL CHECK (octet_length(secret) >= 32),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
