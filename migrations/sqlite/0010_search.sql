-- Full-text search over what people look for in calls: what was said, tool
-- names, arguments, results and errors, transfer targets, and end-of-call
-- summaries. One row per event (rowid = events.id), written by the event
-- writer in the transaction that stores the event (it has the event parsed
-- already: `EventDetail::search_text`, which reads the same fields as the
-- view below), and removed by a trigger with the event, so an acknowledged
-- event is searchable and a purged one is gone.
CREATE VIRTUAL TABLE event_text USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');

-- What of an event is searched, from its normalized JSON: for the events
-- stored before this migration (and a test that holds the writer to it).
CREATE VIEW event_search_text (id, body) AS
SELECT id, trim(
    coalesce(json_extract(normalized, '$.text'), '') || ' ' ||
    coalesce(json_extract(normalized, '$.function'), '') || ' ' ||
    coalesce(json_extract(normalized, '$.arguments'), '') || ' ' ||
    coalesce(json_extract(normalized, '$.response'), '') || ' ' ||
    coalesce(json_extract(normalized, '$.error'), '') || ' ' ||
    coalesce(json_extract(normalized, '$.destination'), '') || ' ' ||
    coalesce(json_extract(normalized, '$.label'), '') || ' ' ||
    coalesce(json_extract(normalized, '$.summary'), ''))
FROM events;

CREATE TRIGGER event_text_remove AFTER DELETE ON events BEGIN
    DELETE FROM event_text WHERE rowid = old.id;
END;

INSERT INTO event_text (rowid, body) SELECT id, body FROM event_search_text;
