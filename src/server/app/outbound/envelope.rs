//! What a forwarding destination receives: the event in an envelope that
//! says which call it belongs to, from which platform, what calltrail read
//! it as, and when — with the body as the platform delivered it inside.
//! Versioned: a field is only ever added; a change of meaning is a new
//! `version`.

use serde_json::{json, Value};

use crate::model::{format, EventDetail};
use crate::server::app::redaction::Redaction;
use crate::server::store::outbox::Forwarded;

/// The envelope's version.
pub const VERSION: u32 = 1;

/// The JSON a destination receives for event `event_id` of `call_id`; with
/// `redaction` (the destination asks for it), its detail and body redacted.
pub fn envelope(
    event_id: i64,
    call_id: Option<&str>,
    event: &Forwarded,
    redaction: Option<&Redaction>,
) -> Value {
    let mut detail: Option<EventDetail> = serde_json::from_str(&event.normalized).ok();
    let raw = match redaction {
        Some(r) => {
            if let Some(detail) = &mut detail {
                r.detail(&event.source, detail);
            }
            r.body(&event.source, &event.raw).0
        }
        None => event.raw.clone(),
    };
    let body: Value = serde_json::from_str(&raw).unwrap_or(Value::String(raw));
    json!({
        "version": VERSION,
        "event_id": event_id,
        "call_id": call_id,
        "source": event.source,
        "kind": detail.as_ref().map_or("other", EventDetail::forward_kind),
        "occurred_at": format::iso(event.occurred_at),
        "detail": detail,
        "body": body,
    })
}

/// What "Send test" posts to a destination: an envelope of kind `test`,
/// with no call.
pub fn test(now: i64) -> Value {
    json!({
        "version": VERSION,
        "event_id": 0,
        "call_id": null,
        "source": "calltrail",
        "kind": "test",
        "occurred_at": format::iso(now),
        "detail": null,
        "body": {"message": "A test event from calltrail: forwards to this destination come in this envelope."},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_carries_the_call_and_the_body_as_it_came() {
        let event = Forwarded {
            source: "vapi".into(),
            occurred_at: 1_777_647_911_240,
            normalized: r#"{"kind":"tool_call","function":"book","arguments":{},"response":null,"error":"down"}"#.into(),
            raw: r#"{"message":{"type":"conversation-update"}}"#.into(),
        };
        let sent = envelope(42, Some("c1"), &event, None);
        assert_eq!(sent["version"], 1);
        assert_eq!(sent["event_id"], 42);
        assert_eq!(sent["call_id"], "c1");
        assert_eq!(sent["source"], "vapi");
        assert_eq!(sent["kind"], "tool_error");
        assert_eq!(sent["occurred_at"], "2026-05-01T15:05:11.240Z");
        assert_eq!(sent["detail"]["function"], "book");
        assert_eq!(sent["body"]["message"]["type"], "conversation-update");
    }
}
