-- When each call last heard from its platform, by this server's clock: a
-- live call quiet for too long shows as stale. (The event times a platform
-- sends can be far in the past — replayed fixtures, skewed clocks — so they
-- cannot tell.)
ALTER TABLE calls ADD COLUMN last_received_at INTEGER NOT NULL DEFAULT 0;
UPDATE calls SET last_received_at = COALESCE(
    (SELECT MAX(received_at) FROM events WHERE events.call_id = calls.call_id),
    last_event_at);
