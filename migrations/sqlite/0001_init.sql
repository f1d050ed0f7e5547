-- calltrail's first schema: every delivery logged, every accepted event stored
-- raw and normalized, and a per-call read model kept in the same transaction.
-- Times are epoch milliseconds (UTC).

CREATE TABLE deliveries (
    id             INTEGER PRIMARY KEY,
    received_at    INTEGER NOT NULL,
    source         TEXT    NOT NULL,
    remote_addr    TEXT,
    content_type   TEXT,
    webhook_id     TEXT,
    outcome        TEXT    NOT NULL CHECK (outcome IN ('accepted', 'duplicate', 'rejected')),
    http_status    INTEGER NOT NULL,
    error          TEXT,
    detail         TEXT,
    call_id        TEXT,
    event_id       INTEGER,
    body           BLOB    NOT NULL,
    body_truncated INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE events (
    id                 INTEGER PRIMARY KEY,
    call_id            TEXT    NOT NULL,
    source             TEXT    NOT NULL,
    kind               TEXT    NOT NULL,
    occurred_at        INTEGER NOT NULL,
    seconds_from_start REAL,
    received_at        INTEGER NOT NULL,
    -- webhook-id header when sent, else a hash of the body: a retry is not stored twice
    dedup_key          TEXT    NOT NULL UNIQUE,
    normalized         TEXT    NOT NULL,
    raw                TEXT    NOT NULL
);
CREATE INDEX events_by_call_time ON events (call_id, occurred_at, id);
CREATE INDEX events_by_call_id ON events (call_id, id);

CREATE TABLE calls (
    call_id         TEXT PRIMARY KEY,
    source          TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('live', 'ended', 'transferred')),
    started_at      INTEGER NOT NULL,
    ended_at        INTEGER,
    last_event_at   INTEGER NOT NULL,
    last_event_id   INTEGER NOT NULL,
    ended_by        TEXT,
    end_reason      TEXT,
    summary         TEXT,
    recording_url   TEXT,
    duration_ms     INTEGER,
    last_speaker    TEXT,
    last_spoke_at   INTEGER,
    n_events        INTEGER NOT NULL DEFAULT 0,
    n_messages      INTEGER NOT NULL DEFAULT 0,
    n_tool_calls    INTEGER NOT NULL DEFAULT 0,
    n_tool_errors   INTEGER NOT NULL DEFAULT 0,
    n_hangs         INTEGER NOT NULL DEFAULT 0,
    n_interruptions INTEGER NOT NULL DEFAULT 0,
    n_transfers     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX calls_by_status_start ON calls (status, started_at DESC);
CREATE INDEX calls_by_start ON calls (started_at DESC);
CREATE INDEX calls_by_last_event ON calls (last_event_id);
