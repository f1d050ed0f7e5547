-- Event and delivery ids only ever grow. Without AUTOINCREMENT SQLite gives
-- a new row the largest id + 1, so once retention deleted the newest rows
-- (a server quiet for longer than it keeps calls), the next event took an
-- id the alert rules', forwards' and metrics' cursors and the browsers'
-- Last-Event-ID had already passed, and they skipped it. Both tables are
-- rebuilt with AUTOINCREMENT, every row and id kept; the view and trigger
-- of migration 0010 are made again over the new `events`.

DROP TRIGGER event_text_remove;
DROP VIEW event_search_text;

CREATE TABLE events_new (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO events_new (id, call_id, source, kind, occurred_at, seconds_from_start, received_at,
                        dedup_key, normalized, raw)
SELECT id, call_id, source, kind, occurred_at, seconds_from_start, received_at,
       dedup_key, normalized, raw
FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_by_call_time ON events (call_id, occurred_at, id);

CREATE VIEW event_search_text (id, body) AS
SELECT id, trim(
    coalesce(json_extract(normalized, '$.text'), '') || ' ' ||
    coalesce(json_extract(normalized, '$.function'), '') || ' ' ||
    coalesce(json_extract(normalized, '$.arguments'), '') || ' ' ||
    coalesce(json_extract(normalized, '$.response'), '') || ' ' ||
    coalesce(json_extract(normalized, '$.error'), '') || ' ' ||
    coalesce(json_extract(normalized, '$.destination'), '') || ' ' ||
    coalesce(json_extract(normalized, '$.label'), '') || ' ' ||
    coalesce(json_extract(normalized, '$.summary'), ''))
FROM events;

CREATE TRIGGER event_text_remove AFTER DELETE ON events BEGIN
    DELETE FROM event_text WHERE rowid = old.id;
END;

CREATE TABLE deliveries_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
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
    -- NULL only for an accepted event's delivery: its body is events.raw.
    body           BLOB CHECK (body IS NOT NULL OR (outcome = 'accepted' AND event_id IS NOT NULL)),
    body_truncated INTEGER NOT NULL DEFAULT 0
);
INSERT INTO deliveries_new (id, received_at, source, remote_addr, content_type, webhook_id, outcome,
                            http_status, error, detail, call_id, event_id, body, body_truncated)
SELECT id, received_at, source, remote_addr, content_type, webhook_id, outcome,
       http_status, error, detail, call_id, event_id, body, body_truncated
FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_by_event ON deliveries (event_id) WHERE event_id IS NOT NULL;
