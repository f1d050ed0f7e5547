-- Queuing forwards follows a cursor of its own, so it can wait while ingest
-- is saturated without holding back the alert rules. It starts where the
-- rules' cursor stands: every event before it has had its forwards queued.
INSERT INTO cursors (name, position)
SELECT 'forwards', position FROM cursors WHERE name = 'effects';
