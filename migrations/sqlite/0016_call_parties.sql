-- Who is on each call, when the platform says: the person (caller, or whom
-- an outbound call rang) and the agent. Ingest fills them from each
-- delivery (src/server/ingest/parties.rs); calls stored before are filled
-- here from their events' bodies, reading the same fields in the same
-- order: the first string that is not blank wins, trimmed, at most 120
-- characters.
ALTER TABLE calls ADD COLUMN caller TEXT;
ALTER TABLE calls ADD COLUMN agent TEXT;

-- Vapi's message object, or Retell's call object (`data` in older
-- envelopes), of each stored event of a Vapi or Retell call.
CREATE TEMP TABLE party_objects AS
SELECT e.call_id, e.id, c.source,
       CASE
           WHEN c.source = 'vapi' THEN
               CASE json_type(e.raw, '$.message') WHEN 'object' THEN json_extract(e.raw, '$.message') END
           WHEN json_type(e.raw, '$.call') = 'object' THEN json_extract(e.raw, '$.call')
           WHEN json_type(e.raw, '$.data') = 'object' THEN json_extract(e.raw, '$.data')
       END AS obj
FROM events e JOIN calls c ON c.call_id = e.call_id
WHERE c.source IN ('vapi', 'retell') AND json_valid(e.raw);

DELETE FROM party_objects WHERE obj IS NULL;

-- Each field as ingest takes it: a string, trimmed, blank as none.
CREATE TEMP TABLE party_found AS
SELECT call_id, id,
    CASE source
        WHEN 'vapi' THEN coalesce(
            nullif(trim(CASE json_type(obj, '$.customer.number') WHEN 'text' THEN json_extract(obj, '$.customer.number') END), ''),
            nullif(trim(CASE json_type(obj, '$.call.customer.number') WHEN 'text' THEN json_extract(obj, '$.call.customer.number') END), ''),
            nullif(trim(CASE json_type(obj, '$.customer.name') WHEN 'text' THEN json_extract(obj, '$.customer.name') END), ''),
            nullif(trim(CASE json_type(obj, '$.call.customer.name') WHEN 'text' THEN json_extract(obj, '$.call.customer.name') END), ''))
        ELSE nullif(trim(CASE WHEN json_extract(obj, '$.direction') = 'outbound'
            THEN CASE json_type(obj, '$.to_number') WHEN 'text' THEN json_extract(obj, '$.to_number') END
            ELSE CASE json_type(obj, '$.from_number') WHEN 'text' THEN json_extract(obj, '$.from_number') END END), '')
    END AS caller,
    CASE source
        WHEN 'vapi' THEN coalesce(
            nullif(trim(CASE json_type(obj, '$.assistant.name') WHEN 'text' THEN json_extract(obj, '$.assistant.name') END), ''),
            nullif(trim(CASE json_type(obj, '$.call.assistant.name') WHEN 'text' THEN json_extract(obj, '$.call.assistant.name') END), ''),
            nullif(trim(CASE json_type(obj, '$.phoneNumber.name') WHEN 'text' THEN json_extract(obj, '$.phoneNumber.name') END), ''),
            nullif(trim(CASE json_type(obj, '$.phoneNumber.number') WHEN 'text' THEN json_extract(obj, '$.phoneNumber.number') END), ''))
        ELSE coalesce(
            nullif(trim(CASE json_type(obj, '$.agent_name') WHEN 'text' THEN json_extract(obj, '$.agent_name') END), ''),
            nullif(trim(CASE WHEN json_extract(obj, '$.direction') = 'outbound'
                THEN CASE json_type(obj, '$.from_number') WHEN 'text' THEN json_extract(obj, '$.from_number') END
                ELSE CASE json_type(obj, '$.to_number') WHEN 'text' THEN json_extract(obj, '$.to_number') END END), ''),
            nullif(trim(CASE json_type(obj, '$.agent_id') WHEN 'text' THEN json_extract(obj, '$.agent_id') END), ''))
    END AS agent
FROM party_objects;

CREATE INDEX temp.party_found_by_call ON party_found (call_id, id);

UPDATE calls SET
    caller = (SELECT substr(f.caller, 1, 120) FROM party_found f
              WHERE f.call_id = calls.call_id AND f.caller IS NOT NULL ORDER BY f.id LIMIT 1),
    agent = (SELECT substr(f.agent, 1, 120) FROM party_found f
             WHERE f.call_id = calls.call_id AND f.agent IS NOT NULL ORDER BY f.id LIMIT 1)
WHERE source IN ('vapi', 'retell');

DROP TABLE party_found;
DROP TABLE party_objects;
