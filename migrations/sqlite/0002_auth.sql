-- Dashboard accounts and server-side settings (the generated webhook token).
-- Sessions live in tower-sessions' own table, created by its store at start-up.

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    username            TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash       TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    -- Sessions that signed in before this are no longer valid.
    password_changed_at INTEGER NOT NULL
);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

-- The session store's table (tower-sessions-sqlx-store's schema), created here so
-- it exists however the database is opened.
CREATE TABLE IF NOT EXISTS tower_sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    data        BLOB    NOT NULL,
    expiry_date INTEGER NOT NULL
);
