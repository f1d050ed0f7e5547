-- API tokens: a script, the CLI or a coding agent signs requests with one.
-- Only the SHA-256 of a token is kept; it acts as the account that made it
-- within its scope, never above the account's role now nor the role it had
-- when the token was made (`role`: a promotion does not widen old tokens).
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    scope         TEXT    NOT NULL CHECK (scope IN ('read', 'read+write')),
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'editor', 'viewer', 'restricted')),
    token_hash    TEXT    NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER,
    last_used_at  INTEGER,
    revoked_at    INTEGER
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);
