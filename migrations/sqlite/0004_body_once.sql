-- Each body is stored once. An accepted event's delivery no longer keeps a
-- copy of the body: its `body` is NULL and the body is the event's `raw`
-- (readers take COALESCE(deliveries.body, events.raw)). Refused and repeated
-- deliveries keep their own body. SQLite cannot relax a NOT NULL column in
-- place, so the table is rebuilt; every row and id is kept.

CREATE TABLE deliveries_new (
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
    -- NULL only for an accepted event's delivery: its body is events.raw.
    body           BLOB CHECK (body IS NOT NULL OR (outcome = 'accepted' AND event_id IS NOT NULL)),
    body_truncated INTEGER NOT NULL DEFAULT 0
);

INSERT INTO deliveries_new
SELECT d.id, d.received_at, d.source, d.remote_addr, d.content_type, d.webhook_id, d.outcome,
       d.http_status, d.error, d.detail, d.call_id, d.event_id,
       CASE WHEN d.outcome = 'accepted'
                 AND EXISTS (SELECT 1 FROM events e
                             WHERE e.id = d.event_id AND CAST(e.raw AS BLOB) = CAST(d.body AS BLOB))
            THEN NULL ELSE d.body END,
       d.body_truncated
FROM deliveries d;

DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_by_call ON deliveries (call_id) WHERE call_id IS NOT NULL;
