-- Reviewing calls as a team: notes pinned to a moment, flags with a reason
-- from a list admins keep, each reviewer's score and "reviewed" mark,
-- shared links to one call, and review queues. Rows about a call are
-- deleted with it (call_retention.rs names these tables), not by foreign
-- keys: the writer replaces `calls` rows.

CREATE TABLE flag_reasons (
    code        TEXT    PRIMARY KEY,
    label       TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    -- Set when an admin takes it off the list; flags given keep their code.
    retired_at  INTEGER
);
INSERT INTO flag_reasons (code, label, position) VALUES
    ('misunderstood', 'Misunderstood', 1),
    ('wrong_answer', 'Wrong answer', 2),
    ('hallucinated', 'Hallucinated', 3),
    ('tool_failed', 'Tool failed', 4),
    ('too_slow', 'Too slow', 5),
    ('interrupted_badly', 'Interrupted badly', 6),
    ('hung_up_early', 'Hung up early', 7),
    ('should_have_transferred', 'Should have transferred', 8),
    ('other', 'Other', 9);

CREATE TABLE review_notes (
    id          INTEGER PRIMARY KEY,
    call_id     TEXT    NOT NULL,
    event_id    INTEGER,
    at_ms       INTEGER,
    quote       TEXT,
    body        TEXT    NOT NULL,
    author_id   INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    edited_at   INTEGER
);
CREATE INDEX review_notes_by_call ON review_notes (call_id, id);

CREATE TABLE review_flags (
    call_id     TEXT    NOT NULL,
    -- 0: the call as a whole.
    event_id    INTEGER NOT NULL DEFAULT 0,
    reason      TEXT    NOT NULL,
    author_id   INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (call_id, event_id, reason, author_id)
);
CREATE INDEX review_flags_by_reason ON review_flags (reason, call_id);

CREATE TABLE reviews (
    call_id      TEXT    NOT NULL,
    reviewer_id  INTEGER NOT NULL REFERENCES users (id),
    score        INTEGER CHECK (score BETWEEN 1 AND 5),
    reviewed_at  INTEGER,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (call_id, reviewer_id)
);
CREATE INDEX reviews_by_reviewer ON reviews (reviewer_id, call_id);

CREATE TABLE share_links (
    id              INTEGER PRIMARY KEY,
    call_id         TEXT    NOT NULL,
    -- SHA-256 of the link's secret: the database never holds a usable link.
    token_hash      TEXT    NOT NULL UNIQUE,
    redacted        INTEGER NOT NULL CHECK (redacted IN (0, 1)),
    created_by      INTEGER NOT NULL REFERENCES users (id),
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    revoked_at      INTEGER,
    views           INTEGER NOT NULL DEFAULT 0,
    last_viewed_at  INTEGER
);
CREATE INDEX share_links_by_call ON share_links (call_id);

CREATE TABLE review_queues (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE,
    query           TEXT    NOT NULL,
    sampling        TEXT    NOT NULL CHECK (sampling IN ('all', 'every', 'percent', 'per_day')),
    sample_n        INTEGER NOT NULL CHECK (sample_n >= 1),
    reviews_needed  INTEGER NOT NULL CHECK (reviews_needed BETWEEN 1 AND 10),
    reviewers       TEXT    NOT NULL DEFAULT '',
    created_by      INTEGER REFERENCES users (id),
    created_at      INTEGER NOT NULL
);

-- Every ended call a queue looked at, in the order it looked: its sampling
-- rule picked some of them.
CREATE TABLE review_queue_calls (
    queue_id    INTEGER NOT NULL REFERENCES review_queues (id) ON DELETE CASCADE,
    call_id     TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    picked      INTEGER NOT NULL CHECK (picked IN (0, 1)),
    day         INTEGER NOT NULL,
    PRIMARY KEY (queue_id, call_id)
);
CREATE INDEX review_queue_calls_picked ON review_queue_calls (queue_id, picked, position);
