-- Each measure the calls list sorts by, in order: a page sorted by one walks
-- this index and stops once it has its calls, instead of looking up every
-- call's measure and sorting them all (at 200,000 calls, a quarter second a
-- page). Calls not measured yet are listed after, newest first.
CREATE INDEX call_metrics_by_latency ON call_metrics (latency_p50_ms);
CREATE INDEX call_metrics_by_stall ON call_metrics (stall_ms);
CREATE INDEX call_metrics_by_interruptions ON call_metrics (interruption_rate);
CREATE INDEX call_metrics_by_talk ON call_metrics (agent_talk_share);
CREATE INDEX call_metrics_by_tool_errors ON call_metrics (tool_error_rate);
