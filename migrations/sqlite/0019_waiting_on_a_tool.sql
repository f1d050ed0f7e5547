-- What a live call waits on: the function of a tool request still without
-- its result, and when this server received it ("waiting on lookup_order
-- for 4 s" on the calls list). Calls stored before start with none.
ALTER TABLE calls ADD COLUMN waiting_tool TEXT;
ALTER TABLE calls ADD COLUMN waiting_since INTEGER;
