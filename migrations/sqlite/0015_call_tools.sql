-- Each measured call's tool calls per function, and whether its latency is
-- an estimate, in columns: /insights sums them without reading every
-- call's measurement as JSON. The metrics runner measures every call again
-- once to fill them.
CREATE TABLE call_tools (
    call_id  TEXT    NOT NULL,
    function TEXT    NOT NULL,
    calls    INTEGER NOT NULL,
    errors   INTEGER NOT NULL,
    PRIMARY KEY (call_id, function)
) WITHOUT ROWID;

ALTER TABLE call_metrics ADD COLUMN latency_estimated INTEGER NOT NULL DEFAULT 0;

UPDATE cursors SET position = 0 WHERE name = 'metrics';
