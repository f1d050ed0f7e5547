-- Every index an event touches is one more page written to the WAL and
-- synced at each commit, and an index keyed by call id touches a different
-- page for each call in a batch. Two such indexes go:
-- * events_by_call_id: a call's events after an id (live catch-up,
--   retention) are found in events_by_call_time, which holds the id too;
-- * deliveries_by_call: retention finds a call's deliveries through their
--   event ids, and an index on those grows at its end, one page per batch.
DROP INDEX events_by_call_id;
DROP INDEX deliveries_by_call;
CREATE INDEX deliveries_by_event ON deliveries (event_id) WHERE event_id IS NOT NULL;
