-- Teams: every account has a role (the accounts made before roles could do
-- everything, so they stay admins), can be disabled, and may come from single
-- sign-on; invitations and password resets are one-time links; the audit log
-- is append-only.

ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'admin'
    CHECK (role IN ('admin', 'editor', 'viewer', 'restricted'));
-- Set while the account is disabled: it cannot sign in, its sessions are over.
ALTER TABLE users ADD COLUMN disabled_at INTEGER;
-- "issuer subject" of the single sign-on identity that owns the account.
ALTER TABLE users ADD COLUMN sso_identity TEXT;
CREATE UNIQUE INDEX users_by_sso_identity ON users (sso_identity) WHERE sso_identity IS NOT NULL;

CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY,
    -- SHA-256 of the link's secret: the database never holds a usable link.
    token_hash  TEXT    NOT NULL UNIQUE,
    -- 'invite' makes a new account with `role`; 'reset' sets `user_id`'s password.
    purpose     TEXT    NOT NULL CHECK (purpose IN ('invite', 'reset')),
    role        TEXT    CHECK (role IN ('admin', 'editor', 'viewer', 'restricted')),
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       INTEGER NOT NULL,
    -- The account's name at the time (kept when the account is renamed or gone).
    actor    TEXT    NOT NULL,
    address  TEXT,
    action   TEXT    NOT NULL,
    target   TEXT    NOT NULL,
    summary  TEXT    NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (at DESC, id DESC);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Redaction marks in each call's events: the call page's count, `has:redacted`.
ALTER TABLE calls ADD COLUMN n_redacted INTEGER NOT NULL DEFAULT 0;

-- A destination may ask for callers' sensitive data redacted from its forwards.
ALTER TABLE destinations ADD COLUMN redact INTEGER NOT NULL DEFAULT 0;
