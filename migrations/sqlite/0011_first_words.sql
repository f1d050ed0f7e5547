-- What the caller said first, so a row in the calls list says what the call
-- was about (the report's summary replaces it once it comes).
ALTER TABLE calls ADD COLUMN first_user_text TEXT;
ALTER TABLE calls ADD COLUMN first_user_at INTEGER;
UPDATE calls SET (first_user_text, first_user_at) = (
    SELECT json_extract(e.normalized, '$.text'), e.occurred_at FROM events e
    WHERE e.call_id = calls.call_id AND e.kind = 'message'
      AND json_extract(e.normalized, '$.role') = 'user'
    ORDER BY e.occurred_at, e.id LIMIT 1);
