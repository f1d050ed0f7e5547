//! Realistic, varied calls built from the fixture call: the same dental-office
//! conversation, with other names, with or without the failing tool, the hang,
//! the interruption and the transfer, stamped with fresh times and ids.

use std::sync::LazyLock;

use chrono::{DateTime, SecondsFormat};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;
use serde_json::{json, Value};

const FIXTURE: &str = include_str!("../../app/platforms/infer/fixtures/call-sequence.jsonl");
const AGENTS: [&str; 5] = ["Ava", "Max", "Nora", "Leo", "Iris"];
const BUSINESSES: [&str; 4] = [
    "Bright Dental",
    "Oak Street Clinic",
    "Sunrise Dental",
    "Harbor Smiles",
];

/// A whole call, ready to stamp and send: each event with its offset (ms) from
/// the call's start.
pub fn call(rng: &mut StdRng) -> Vec<(i64, Value)> {
    let fixture = &*FIXTURE_EVENTS;
    let agent = *AGENTS.choose(rng).unwrap_or(&"Ava");
    let business = *BUSINESSES.choose(rng).unwrap_or(&"Bright Dental");
    let smooth = rng.random_bool(0.45);
    let interrupted = rng.random_bool(0.6);

    let mut steps: Vec<(i64, Value)> = Vec::new();
    for (i, (at, event)) in fixture.iter().enumerate() {
        let kind = event["type"].as_str().unwrap_or("");
        if kind == "user-interrupted" && !interrupted {
            continue;
        }
        // The smooth variant leaves the fixture at the failing tool call.
        if smooth && kind == "tool-call" && i > 4 {
            steps.extend(smooth_ending(*at));
            break;
        }
        steps.push((*at, event.clone()));
    }
    for (_, event) in &mut steps {
        if let Some(text) = event.pointer_mut("/metadata/message") {
            if let Some(s) = text.as_str() {
                *text = Value::String(s.replace("Ava", agent).replace("Bright Dental", business));
            }
        }
    }
    let end = steps.last().map_or(0, |(at, _)| *at);
    if rng.random_bool(0.8) {
        steps.push((end + 1_500, report(smooth, agent, business, end)));
    }
    steps
}

/// Gives every event of a call its id and absolute times.
pub fn stamp(event: &mut Value, call_id: &str, started_at: i64, at_ms: i64) {
    let when = started_at + at_ms;
    event["call_id"] = json!(call_id);
    if event.get("metadata").is_some() {
        event["timestamp"] = json!(iso(when));
        if event.pointer("/metadata/time").is_some() {
            event["metadata"]["time"] = json!(when);
        }
    } else {
        // the end-of-call report
        event["startedAt"] = json!(iso(started_at));
        event["endedAt"] = json!(iso(when));
    }
}

fn iso(epoch_ms: i64) -> String {
    DateTime::from_timestamp_millis(epoch_ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// The fixture's events with their offsets from the call's start, parsed once.
static FIXTURE_EVENTS: LazyLock<Vec<(i64, Value)>> = LazyLock::new(fixture_events);

fn fixture_events() -> Vec<(i64, Value)> {
    let events: Vec<Value> = FIXTURE
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let times: Vec<i64> = events
        .iter()
        .map(|e| crate::server::app::platforms::timestamp::parse(&e["timestamp"]).unwrap_or(0))
        .collect();
    let first_offset = events
        .first()
        .and_then(|e| e.pointer("/metadata/secondsFromStart"))
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    let start = times.first().copied().unwrap_or(0) - (first_offset * 1000.0) as i64;
    events
        .into_iter()
        .zip(times)
        .map(|(e, t)| (t - start, e))
        .collect()
}

fn smooth_ending(at: i64) -> Vec<(i64, Value)> {
    let turn = |role: &str, text: &str, secs: f64| json!({"type": "conversation-update", "metadata": {"role": role, "message": text, "time": 0, "secondsFromStart": secs}});
    let s = |ms: i64| ms as f64 / 1000.0;
    vec![
        (
            at,
            json!({"type": "tool-call", "metadata": {"functionName": "listOpenSlots",
                "arguments": {"date": "2026-03-26", "after": "12:00"},
                "response": {"slots": ["14:15", "16:30"]}}}),
        ),
        (
            at + 1_800,
            turn(
                "agent",
                "I have Thursday at two fifteen or four thirty. Which would you like?",
                s(at + 1_800),
            ),
        ),
        (
            at + 5_200,
            turn("user", "Two fifteen, please.", s(at + 5_200)),
        ),
        (
            at + 5_900,
            json!({"type": "tool-call", "metadata": {"functionName": "moveAppointment",
                "arguments": "{\"appointment_id\": \"apt_5521\", \"when\": \"2026-03-26T14:15:00\"}",
                "result": {"confirmed": true}}}),
        ),
        (
            at + 7_400,
            turn(
                "agent",
                "Done. You're booked for Thursday at two fifteen. Anything else?",
                s(at + 7_400),
            ),
        ),
        (
            at + 10_100,
            turn("user", "No, that's all. Thanks!", s(at + 10_100)),
        ),
        (
            at + 10_900,
            json!({"type": "end-call", "metadata": {"ended_by": "user"}}),
        ),
    ]
}

fn report(smooth: bool, agent: &str, business: &str, duration_ms: i64) -> Value {
    let (summary, reason) = if smooth {
        (
            format!("{agent} from {business} moved the caller's cleaning to Thursday at 14:15."),
            "customer-ended-call",
        )
    } else {
        (
            format!("{agent} from {business} could not list open slots (calendar timeout) and transferred the caller to the front desk."),
            "assistant-forwarded-call",
        )
    };
    json!({
        "type": "phone_call",
        "summary": summary,
        "transcript": "",
        "recordingUrl": "https://recordings.example.com/demo.wav",
        "durationMs": duration_ms,
        "durationSeconds": duration_ms as f64 / 1000.0,
        "cost": 0.04,
        "endedReason": reason,
        "messages": []
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::app::platforms::infer;
    use rand::SeedableRng;

    #[test]
    fn every_simulated_event_parses_and_times_increase() {
        for seed in 0..20 {
            let mut rng = StdRng::seed_from_u64(seed);
            let steps = call(&mut rng);
            assert!(steps.len() >= 8, "seed {seed}: {} steps", steps.len());
            let mut last = -1;
            for (at, mut body) in steps {
                assert!(at >= last, "seed {seed}: offsets go back");
                last = at;
                stamp(&mut body, "call_x", 1_773_504_131_000, at);
                let e = infer::parse(&body).expect("simulated event parses");
                assert_eq!(e.call_id, "call_x");
                assert_eq!(e.occurred_at, Some(1_773_504_131_000 + at));
                assert_ne!(e.detail.kind(), "unknown");
            }
        }
    }

    #[test]
    fn iso_has_milliseconds() {
        assert_eq!(iso(1_773_504_131_900), "2026-03-14T16:02:11.900Z");
    }
}
