-- The built-in user store of embedded defaults: who may ask for a token with a password, and
-- with which roles. A hospital's identity provider replaces it (README: external identity provider).
CREATE TABLE glean_user (
    name          TEXT PRIMARY KEY,
    -- pbkdf2-sha256$ITERATIONS$SALT$HASH (org.glean.security.PasswordHashing); never the password.
    password_hash TEXT        NOT NULL,
    -- Role names as tokens carry them: ingest, annotator, curator, admin, inference.
    roles         TEXT[]      NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
