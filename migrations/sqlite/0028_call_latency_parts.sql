-- Each measured call's latency parts (the median of each part its source
-- reported), in rows, as call_tools keeps its tools: /insights spreads them
-- without reading every call's measurement as JSON (at 200,000 calls that
-- read about 400 MB and took most of a second). Filled here from the
-- measurements already stored; the metrics runner keeps it from then on.
CREATE TABLE call_latency_parts (
    call_id TEXT    NOT NULL,
    part    TEXT    NOT NULL,
    ms      INTEGER NOT NULL,
    PRIMARY KEY (call_id, part)
) WITHOUT ROWID;

INSERT OR IGNORE INTO call_latency_parts (call_id, part, ms)
SELECT m.call_id, json_extract(p.value, '$.part'), json_extract(p.value, '$.ms')
FROM call_metrics m, json_each(m.detail, '$.latency_parts') p
WHERE m.detail LIKE '%"latency_parts"%';
