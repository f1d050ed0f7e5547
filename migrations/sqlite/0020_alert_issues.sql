-- Alerts grouped into issues: each alert's cause (its reason with the
-- numbers and ids that differ between calls taken out, see
-- `model::issues::cause_of`). Alerts stored before keep their reason as it
-- was, which groups those that were worded alike.
ALTER TABLE alerts ADD COLUMN cause TEXT NOT NULL DEFAULT '';
UPDATE alerts SET cause = reason;
CREATE INDEX alerts_by_cause ON alerts (rule_id, cause, last_seen_at);

-- Rate rules count the calls heard from in their last minutes.
CREATE INDEX calls_by_last_received ON calls (last_received_at);
