-- Alerts and automations. Side effects come from committed rows: a cursor
-- over `events` (its position stored here) is advanced in the same
-- transaction that records the alerts and queues the outbox rows an event
-- causes, so a crash between an event's commit and its side effects loses
-- nothing and repeats nothing.

-- Notification channels: where alerts are sent.
CREATE TABLE channels (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE,
    kind         TEXT    NOT NULL CHECK (kind IN ('slack', 'webhook', 'email')),
    -- The kind's settings as JSON (URL and secret, or SMTP settings).
    config       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    -- The last "Send test": when, and what the receiver answered.
    tested_at    INTEGER,
    test_result  TEXT
);

-- Alert rules: one row per rule; `spec` holds its kind and options as JSON.
CREATE TABLE rules (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    kind          TEXT    NOT NULL,
    spec          TEXT    NOT NULL,
    enabled       INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    -- How long a resolved alert stays resolved whatever matches again.
    cooldown_secs INTEGER NOT NULL DEFAULT 300
);

CREATE TABLE rule_channels (
    rule_id    INTEGER NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    PRIMARY KEY (rule_id, channel_id)
) WITHOUT ROWID;

-- The built-in rules, with their defaults (transfer and webhook-silence off).
INSERT INTO rules (name, kind, spec, enabled) VALUES
    ('tool-error', 'tool-error', '{"kind":"tool-error"}', 1),
    ('hang', 'hang', '{"kind":"hang","count":1,"stall_seconds":null}', 1),
    ('stuck-call', 'stuck-call', '{"kind":"stuck-call","seconds":60}', 1),
    ('ended-abnormally', 'ended-abnormally',
     '{"kind":"ended-abnormally","normal":["user","agent","customer-ended-call","assistant-ended-call","assistant-said-end-call-phrase","customer-did-not-answer","voicemail"]}', 1),
    ('transfer', 'transfer', '{"kind":"transfer"}', 0),
    ('tool-loop', 'tool-loop', '{"kind":"tool-loop","count":8}', 1),
    ('webhook-auth-failures', 'webhook-auth-failures', '{"kind":"webhook-auth-failures","count":10,"minutes":5}', 1),
    ('webhook-silence', 'webhook-silence', '{"kind":"webhook-silence","minutes":10}', 0);

-- One alert per rule and key (a call id, or a time window for the webhook
-- rules): a repeated match bumps `count` and `last_seen_at`.
CREATE TABLE alerts (
    id            INTEGER PRIMARY KEY,
    rule_id       INTEGER NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
    key           TEXT    NOT NULL,
    call_id       TEXT,
    -- The event that opened it (the link goes there), and the latest match.
    event_id      INTEGER,
    last_event_id INTEGER,
    reason        TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved', 'snoozed')),
    count         INTEGER NOT NULL,
    opened_at     INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    resolved_at   INTEGER,
    snoozed_until INTEGER,
    UNIQUE (rule_id, key)
);
CREATE INDEX alerts_by_state ON alerts (state, last_seen_at);
CREATE INDEX alerts_by_last_seen ON alerts (last_seen_at);

-- Positions of the durable cursors over `events` (name → last id handled).
CREATE TABLE cursors (
    name     TEXT PRIMARY KEY,
    position INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO cursors (name, position) SELECT 'effects', COALESCE(MAX(id), 0) FROM events;

-- Forwarding destinations.
CREATE TABLE destinations (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    url           TEXT    NOT NULL,
    -- JSON array of event types, or NULL for every type.
    events        TEXT,
    -- JSON condition (as a `match` rule's), or NULL.
    condition     TEXT,
    secret        TEXT,
    paused        INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    paused_reason TEXT,
    created_at    INTEGER NOT NULL,
    -- Health, kept by each batch of attempts (the outbox is pruned).
    delivered     INTEGER NOT NULL DEFAULT 0,
    failed        INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    last_error_at INTEGER
);

-- What is to be sent: an event to a destination, or an alert to a channel.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    destination_id  INTEGER REFERENCES destinations (id) ON DELETE CASCADE,
    channel_id      INTEGER REFERENCES channels (id) ON DELETE CASCADE,
    -- The `webhook-id` receivers deduplicate by.
    message_id      TEXT    NOT NULL,
    -- Deliveries to one destination go out in order per call.
    call_id         TEXT,
    event_id        INTEGER,
    alert_id        INTEGER,
    replay          INTEGER NOT NULL DEFAULT 0 CHECK (replay IN (0, 1)),
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    done_at         INTEGER,
    last_error      TEXT,
    CHECK ((destination_id IS NULL) <> (channel_id IS NULL))
);
-- Pending rows only, in each destination's queue order (with a NULL
-- destination, the channels'); one index, as each is written for every row
-- queued and again when it is sent.
CREATE INDEX outbox_queue ON outbox (destination_id, id) WHERE state = 'pending';

-- Every attempt to send an outbox row.
CREATE TABLE attempts (
    id         INTEGER PRIMARY KEY,
    outbox_id  INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    status     INTEGER,
    latency_ms INTEGER NOT NULL,
    response   TEXT,
    error      TEXT
);
CREATE INDEX attempts_by_outbox ON attempts (outbox_id);
