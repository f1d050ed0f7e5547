-- Who is on each call, when the platform says: the person (caller, or whom
-- an outbound call rang) and the agent. Ingest fills them from each
-- delivery (src/server/ingest/parties.rs); calls stored before are filled
-- here from their events' bodies, reading the same fields.
ALTER TABLE calls ADD COLUMN caller TEXT;
ALTER TABLE calls ADD COLUMN agent TEXT;

UPDATE calls SET caller = (
    SELECT found FROM (
        SELECT CASE calls.source
            WHEN 'vapi' THEN coalesce(
                json_extract(e.raw, '$.message.customer.number'),
                json_extract(e.raw, '$.message.call.customer.number'),
                json_extract(e.raw, '$.message.customer.name'),
                json_extract(e.raw, '$.message.call.customer.name'))
            ELSE CASE json_extract(e.raw, '$.call.direction')
                WHEN 'outbound' THEN json_extract(e.raw, '$.call.to_number')
                ELSE json_extract(e.raw, '$.call.from_number') END
            END AS found
        FROM events e WHERE e.call_id = calls.call_id AND json_valid(e.raw) ORDER BY e.id)
    WHERE found IS NOT NULL AND trim(found) != '' LIMIT 1),
  agent = (
    SELECT found FROM (
        SELECT CASE calls.source
            WHEN 'vapi' THEN coalesce(
                json_extract(e.raw, '$.message.assistant.name'),
                json_extract(e.raw, '$.message.call.assistant.name'),
                json_extract(e.raw, '$.message.phoneNumber.name'),
                json_extract(e.raw, '$.message.phoneNumber.number'))
            ELSE coalesce(
                json_extract(e.raw, '$.call.agent_name'),
                CASE json_extract(e.raw, '$.call.direction')
                    WHEN 'outbound' THEN json_extract(e.raw, '$.call.from_number')
                    ELSE json_extract(e.raw, '$.call.to_number') END,
                json_extract(e.raw, '$.call.agent_id'))
            END AS found
        FROM events e WHERE e.call_id = calls.call_id AND json_valid(e.raw) ORDER BY e.id)
    WHERE found IS NOT NULL AND trim(found) != '' LIMIT 1)
WHERE calls.source IN ('vapi', 'retell');
