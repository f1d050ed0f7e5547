-- Retention deletes whole ended calls, least recently active first, with their
-- events and deliveries; these indexes find them without scanning the tables.
CREATE INDEX calls_ended_by_last_event ON calls (last_event_at) WHERE status != 'live';
CREATE INDEX deliveries_by_call ON deliveries (call_id) WHERE call_id IS NOT NULL;
