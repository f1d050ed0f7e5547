-- The calls that called a tool (`tool:NAME` in a query): their tool events
-- by function, so a query reads those instead of every tool event's JSON
-- (at 5 million events, 2.3 s a page).
CREATE INDEX events_by_tool ON events ((normalized ->> '$.function'), call_id)
    WHERE kind IN ('tool_call', 'tool_request');
