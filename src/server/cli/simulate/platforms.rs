//! Simulated Vapi and Retell calls: the calls of the fixtures built from each
//! platform's documentation, sent in order with their own pacing, the
//! fixture's call id replaced by a fresh one and every time moved so the
//! call happens now.

use chrono::{DateTime, SecondsFormat};
use serde_json::Value;

use crate::server::app::ingest::Platform;

/// The Vapi fixture call: its id, its start, and its messages with their
/// offsets from that start (each message's own `timestamp`).
const VAPI_ID: &str = "5b6f2c1e-8a43-4d7f-9e21-3c0a7d94b1f6";
const VAPI_START: i64 = 1_777_647_900_210;
const VAPI: [&str; 11] = [
    include_str!("../../../../tests/fixtures/vapi/status-update-in-progress.json"),
    include_str!("../../../../tests/fixtures/vapi/speech-update.json"),
    include_str!("../../../../tests/fixtures/vapi/conversation-update-1.json"),
    include_str!("../../../../tests/fixtures/vapi/tool-calls.json"),
    include_str!("../../../../tests/fixtures/vapi/hang.json"),
    include_str!("../../../../tests/fixtures/vapi/conversation-update-2.json"),
    include_str!("../../../../tests/fixtures/vapi/transfer-destination-request.json"),
    include_str!("../../../../tests/fixtures/vapi/transfer-update.json"),
    include_str!("../../../../tests/fixtures/vapi/user-interrupted.json"),
    include_str!("../../../../tests/fixtures/vapi/status-update-ended.json"),
    include_str!("../../../../tests/fixtures/vapi/end-of-call-report.json"),
];

/// The Retell fixture call: its events carry no time of their own, so each
/// has the offset its place in the call implies.
const RETELL_ID: &str = "call_5e1a9c7d3b2f4e60a8d1c4b7e9f2";
const RETELL_START: i64 = 1_777_652_404_512;
const RETELL: [(i64, &str); 6] = [
    (
        0,
        include_str!("../../../../tests/fixtures/retell/call_started.json"),
    ),
    (
        25_000,
        include_str!("../../../../tests/fixtures/retell/transcript_updated.json"),
    ),
    (
        38_000,
        include_str!("../../../../tests/fixtures/retell/transfer_started.json"),
    ),
    (
        58_000,
        include_str!("../../../../tests/fixtures/retell/transfer_cancelled.json"),
    ),
    (
        67_400,
        include_str!("../../../../tests/fixtures/retell/call_ended.json"),
    ),
    (
        72_000,
        include_str!("../../../../tests/fixtures/retell/call_analyzed.json"),
    ),
];

/// The call's deliveries with their offsets (ms) from its start; `None` for Infer.
pub fn call(platform: Platform) -> Option<Vec<(i64, Value)>> {
    let parse = |text: &str| serde_json::from_str::<Value>(text).expect("fixtures are JSON");
    match platform {
        Platform::Infer => None,
        Platform::Vapi => Some(
            VAPI.iter()
                .map(|text| {
                    let body = parse(text);
                    let at = body["message"]["timestamp"].as_i64().unwrap_or(VAPI_START);
                    (at - VAPI_START, body)
                })
                .collect(),
        ),
        Platform::Retell => Some(RETELL.iter().map(|(at, text)| (*at, parse(text))).collect()),
    }
}

/// Makes a fixture delivery one of call `call_id`, started at `started_at`.
pub fn stamp(platform: Platform, body: &mut Value, call_id: &str, started_at: i64) {
    let (id, start) = match platform {
        Platform::Infer => return,
        Platform::Vapi => (VAPI_ID, VAPI_START),
        Platform::Retell => (RETELL_ID, RETELL_START),
    };
    rewrite(body, id, call_id, started_at - start);
}

/// Replaces the call id wherever it stands and moves every time by `shift`
/// ms: epoch milliseconds (13-digit numbers) and ISO 8601 strings.
fn rewrite(value: &mut Value, id: &str, call_id: &str, shift: i64) {
    match value {
        Value::String(s) if s == id => *s = call_id.to_string(),
        Value::String(s) => {
            if let Ok(t) = DateTime::parse_from_rfc3339(s) {
                let moved = t.timestamp_millis() + shift;
                if let Some(t) = DateTime::from_timestamp_millis(moved) {
                    *s = t.to_rfc3339_opts(SecondsFormat::Millis, true);
                }
            }
        }
        Value::Number(n) => {
            if let Some(ms) = n.as_f64().filter(|v| (1e12..1e13).contains(v)) {
                *value = Value::from((ms + shift as f64).round() as i64);
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| rewrite(v, id, call_id, shift)),
        Value::Object(fields) => fields
            .values_mut()
            .for_each(|v| rewrite(v, id, call_id, shift)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::app::ingest::Platform;

    #[test]
    fn each_platforms_call_moves_to_now_under_a_new_id() {
        for platform in [Platform::Vapi, Platform::Retell] {
            let steps = call(platform).unwrap();
            let offsets: Vec<i64> = steps.iter().map(|(at, _)| *at).collect();
            assert!(offsets.windows(2).all(|w| w[0] <= w[1]), "{offsets:?}");
            let now = 1_800_000_000_000;
            for (_, mut body) in steps {
                stamp(platform, &mut body, "sim-1", now);
                let items = platform.parse(&body).expect("a stamped delivery parses");
                assert!(items.iter().all(|i| i.event.call_id == "sim-1"));
                for item in items {
                    if let Some(at) = item.event.occurred_at {
                        assert!((now - 1000..now + 120_000).contains(&at), "{at}");
                    }
                }
            }
        }
    }
}
