//! Webhook bodies (Infer's format) that several test modules send, built in
//! one place so a change to the format is made once.

use serde_json::{json, Value};

/// A turn of `call_id`: `role` says `text`. Its times are set with
/// [`Said::time`] (the metadata's epoch ms), [`Said::at`] (the event's
/// `timestamp`) and [`Said::secs`] (seconds from the call's start).
pub fn said(call_id: &str, role: &str, text: &str) -> Said {
    Said(json!({"type": "conversation-update", "call_id": call_id,
                "metadata": {"role": role, "message": text}}))
}

/// A turn being built (see [`said`]).
pub struct Said(Value);

impl Said {
    pub fn time(mut self, at_ms: i64) -> Self {
        self.0["metadata"]["time"] = json!(at_ms);
        self
    }

    pub fn at(mut self, timestamp: impl Into<Value>) -> Self {
        self.0["timestamp"] = timestamp.into();
        self
    }

    pub fn secs(mut self, seconds_from_start: f64) -> Self {
        self.0["metadata"]["secondsFromStart"] = json!(seconds_from_start);
        self
    }

    pub fn json(self) -> Value {
        self.0
    }

    pub fn body(self) -> String {
        self.0.to_string()
    }
}

/// Turn `n` of `call_id`, said by the caller at `at_ms`.
pub fn turn(call_id: &str, at_ms: i64, n: usize) -> String {
    said(call_id, "user", &format!("turn {n} of {call_id}"))
        .time(at_ms)
        .body()
}

/// The caller hangs up `call_id` at `at_ms`.
pub fn end(call_id: &str, at_ms: i64) -> String {
    json!({"type": "end-call", "call_id": call_id, "timestamp": at_ms,
           "metadata": {"ended_by": "user"}})
    .to_string()
}
