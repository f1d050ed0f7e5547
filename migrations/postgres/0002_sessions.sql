-- The session store's table (tower-sessions-sqlx-store's PostgresStore, its
-- default schema and name), made here so that instances starting together
-- do not race to create it.
CREATE SCHEMA tower_sessions;
CREATE TABLE tower_sessions.session (
    id          TEXT PRIMARY KEY NOT NULL,
    data        BYTEA NOT NULL,
    expiry_date TIMESTAMPTZ NOT NULL
);
