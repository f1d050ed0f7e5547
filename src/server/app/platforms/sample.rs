//! A platform's recorded call, as the simulator replays it: each delivery at
//! its offset, the recorded call id replaced by a fresh one and every time
//! moved so the call happens now.

use chrono::{DateTime, SecondsFormat};
use serde_json::Value;

use super::Platform;

/// A recorded call the simulator sends as its platform would.
pub struct Sample {
    /// The call id its deliveries carry (replaced by a fresh one).
    pub call_id: &'static str,
    /// When the recorded call started, epoch ms (every time moves with it).
    pub started_at: i64,
    /// The deliveries' bodies, in order, and when each was sent.
    pub deliveries: Recorded,
}

/// A recorded call's deliveries (JSON text) and when each was sent.
pub enum Recorded {
    /// Each at its offset (ms) from the start.
    AtOffsets(&'static [(i64, &'static str)]),
    /// Each at the time (epoch ms) its body holds at a JSON pointer.
    Stamped(&'static [&'static str], &'static str),
}

/// The platform's recorded call, each delivery with its offset (ms) from
/// the start; `None` when it has none (Infer: the simulator writes its
/// calls from scenarios).
pub fn call(platform: Platform) -> Option<Vec<(i64, Value)>> {
    let sample = platform.sample.as_ref()?;
    let json = |text: &str| -> Value { serde_json::from_str(text).expect("fixtures are JSON") };
    Some(match sample.deliveries {
        Recorded::AtOffsets(list) => list.iter().map(|(at, text)| (*at, json(text))).collect(),
        Recorded::Stamped(list, pointer) => list
            .iter()
            .map(|text| {
                let body = json(text);
                let at = body.pointer(pointer).and_then(Value::as_i64);
                (at.map_or(0, |at| at - sample.started_at), body)
            })
            .collect(),
    })
}

/// Makes a recorded delivery one of call `call_id`, started at `started_at`.
pub fn stamp(platform: Platform, body: &mut Value, call_id: &str, started_at: i64) {
    if let Some(sample) = &platform.sample {
        rewrite(
            body,
            sample.call_id,
            call_id,
            started_at - sample.started_at,
        );
    }
}

/// Replaces the call id wherever it stands and moves every time by `shift`
/// ms: epoch milliseconds (13-digit numbers), epoch seconds (10-digit
/// integers) and ISO 8601 strings.
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
            } else if let Some(secs) = n
                .as_i64()
                .filter(|v| (1_000_000_000..10_000_000_000).contains(v))
            {
                *value = Value::from(secs + shift / 1000);
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
    use crate::server::app::platforms::ALL;

    #[test]
    fn each_platforms_call_moves_to_now_under_a_new_id() {
        for platform in ALL.iter().copied().filter(|p| p.sample.is_some()) {
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
