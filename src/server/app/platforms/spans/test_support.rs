//! A framework's recorded session (`<name>/fixtures/session.json`: the
//! export requests its exporter sent, in order), mapped as the receiver
//! maps it.

use std::collections::BTreeMap;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;

use super::map;
use crate::model::EventDetail;

/// The recorded export requests of `framework`'s session.
pub fn batches(framework: &str, file: &str) -> Vec<ExportTraceServiceRequest> {
    let path = format!(
        "{}/src/server/app/platforms/{framework}/fixtures/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    list.iter()
        .map(|batch| {
            super::from_json(batch.to_string().as_bytes()).unwrap_or_else(|e| panic!("{path}: {e}"))
        })
        .collect()
}

/// The events of `batches`, mapped in the order given, each key stored
/// once (as the store does), then in time order (as the timeline shows
/// them): (ms from the first, event).
pub fn timeline(batches: &[ExportTraceServiceRequest]) -> Vec<(i64, EventDetail)> {
    let mut stored = BTreeMap::new();
    for batch in batches {
        for item in map(batch, 0, None).items {
            let key = (item.event.call_id.clone(), item.key.clone().unwrap());
            stored.entry(key).or_insert(item.event);
        }
    }
    let mut events: Vec<_> = stored.into_values().collect();
    events.sort_by_key(|e| e.occurred_at);
    let first = events.first().and_then(|e| e.occurred_at).unwrap_or(0);
    events
        .into_iter()
        .map(|e| (e.occurred_at.unwrap_or(0) - first, e.detail))
        .collect()
}

/// A response's latency as a test compares it: (heard, [(part, ms)]).
pub type Figures = (Option<i64>, Vec<(&'static str, i64)>);

/// The timeline of `batches` as stored items (ids in time order).
pub fn items(batches: &[ExportTraceServiceRequest]) -> Vec<crate::model::TimelineItem> {
    timeline(batches)
        .into_iter()
        .enumerate()
        .map(|(i, (at, detail))| crate::model::TimelineItem {
            id: i as i64,
            call_id: "c".into(),
            occurred_at: at,
            seconds_from_start: None,
            received_at: 0,
            detail,
            raw: String::new(),
            clipped: false,
        })
        .collect()
}

/// Each response's latency in `batches`, merged as the call page merges
/// them.
pub fn waterfalls(batches: &[ExportTraceServiceRequest]) -> Vec<Figures> {
    crate::model::latency::responses(&items(batches))
        .into_iter()
        .map(|(_, w)| {
            (
                w.heard_ms,
                w.parts.iter().map(|p| (p.part.key(), p.ms)).collect(),
            )
        })
        .collect()
}

/// What a timeline says, one line an event, fine lines left out: what a
/// test compares.
pub fn lines(timeline: &[(i64, EventDetail)]) -> Vec<String> {
    timeline
        .iter()
        .filter(|(_, d)| !d.is_chatter())
        .map(|(_, d)| match d {
            EventDetail::Message { role, text } => format!("{}: {text}", role.label()),
            EventDetail::ToolCall {
                function,
                arguments,
                response,
                error,
            } => format!(
                "tool {function} {arguments} -> {} {}",
                response.clone().unwrap_or_default(),
                error.clone().unwrap_or_default()
            ),
            EventDetail::ToolRequest {
                function,
                arguments,
            } => format!("asks {function} {arguments}"),
            EventDetail::Interruption { text, who, .. } => {
                format!("cut {}: {text}", who.as_ref().map_or("?", |w| w.label()))
            }
            EventDetail::End { ended_by } => {
                format!("end {}", ended_by.clone().unwrap_or_default())
            }
            EventDetail::Signal { text, .. } => format!("- {text}"),
            other => format!("{other:?}"),
        })
        .collect()
}
