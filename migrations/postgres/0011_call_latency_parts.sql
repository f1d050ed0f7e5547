-- Each measured call's latency parts (the median of each part its source
-- reported), in rows, as call_tools keeps its tools: /insights spreads them
-- without reading every call's measurement as JSON. Filled here from the
-- measurements already stored; the metrics runner keeps it from then on.
CREATE TABLE call_latency_parts (
    call_id TEXT   NOT NULL,
    part    TEXT   NOT NULL,
    ms      BIGINT NOT NULL,
    PRIMARY KEY (call_id, part)
);

INSERT INTO call_latency_parts (call_id, part, ms)
SELECT m.call_id, p ->> 'part', (p ->> 'ms')::BIGINT
FROM call_metrics m, jsonb_array_elements(m.detail::jsonb -> 'latency_parts') p
WHERE m.detail LIKE '%"latency_parts"%'
ON CONFLICT DO NOTHING;
