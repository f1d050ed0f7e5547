-- The figures the calls list sorts by and /insights charts, apart from each
-- measurement's JSON: sorting 20,000 calls by latency read every call's
-- whole row (about 2 KiB each, 40 MiB in all) and took 85 ms; this index is
-- a few dozen bytes a call. Queries name it (`INDEXED BY`): SQLite's
-- planner takes the table's own key for a lookup by call_id otherwise.
CREATE INDEX call_metrics_keys ON call_metrics (
    call_id, latency_p50_ms, latency_estimated, stall_ms, interruption_rate,
    agent_talk_share, tool_error_rate
);
