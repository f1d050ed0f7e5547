-- Each call's voice metrics (turn latency, stalls, interruptions, talk
-- ratio, tools, ending), kept by the metrics runner from committed events
-- behind a cursor of its own. The columns the calls list sorts by, and the
-- whole measurement with what makes each figure untrustworthy (`detail`).
CREATE TABLE call_metrics (
    call_id           TEXT PRIMARY KEY,
    latency_p50_ms    INTEGER,
    stall_ms          INTEGER,
    interruption_rate REAL,
    agent_talk_share  REAL,
    tool_error_rate   REAL,
    detail            TEXT NOT NULL
) WITHOUT ROWID;

-- From the first event: every stored call is measured once at start-up.
INSERT INTO cursors (name, position) VALUES ('metrics', 0);
