-- The issue a new alert joins is found by its rule, cause and state: one
-- index probe per state, however many alerts the issue has gathered
-- (before, every alert of the issue was read to find the one standing).
CREATE INDEX alerts_by_cause_state ON alerts (rule_id, cause, state);
