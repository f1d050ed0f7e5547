//! Webhook bodies (Infer's format) that several test modules send, built in
//! one place so a change to the format is made once.

use serde_json::json;

/// Turn `n` of `call_id`, said by the caller at `at_ms`.
pub fn turn(call_id: &str, at_ms: i64, n: usize) -> String {
    json!({"type": "conversation-update", "call_id": call_id,
           "metadata": {"role": "user", "message": format!("turn {n} of {call_id}"), "time": at_ms}})
    .to_string()
}

/// The caller hangs up `call_id` at `at_ms`.
pub fn end(call_id: &str, at_ms: i64) -> String {
    json!({"type": "end-call", "call_id": call_id, "timestamp": at_ms,
           "metadata": {"ended_by": "user"}})
    .to_string()
}
