//! What a framework sent that its mapper does not read: span names and span
//! attributes, counted per batch with an example, so a renamed attribute
//! after a framework upgrade shows in the delivery log the same day.

use std::collections::BTreeMap;

use super::{SpanView, Tracer};
use crate::model::unmapped::{Unmapped, UnmappedKind};

/// Attribute keys every OpenTelemetry SDK may add, which no mapper needs.
const GENERIC: &[&str] = &[
    "code.",
    "thread.",
    "exception.",
    "otel.",
    "telemetry.",
    "service.",
];

/// Longest name kept: longer ones are cut (the sender chooses them).
const NAME_CHARS: usize = 120;

/// The unmapped names of one batch.
#[derive(Default)]
pub(super) struct Found(BTreeMap<(String, UnmappedKind, String), Unmapped>);

impl Found {
    pub(super) fn saw(&mut self, tracer: &Tracer, span: &SpanView<'_>, at: i64) {
        let source = tracer.info.name.as_ref();
        if !tracer.spans.contains(&span.name()) {
            let example = format!("trace {}", span.trace_id());
            self.add(source, UnmappedKind::Span, span.name(), at, example);
        }
        for key in span.keys() {
            let known =
                |name: &&str| *name == key || (name.ends_with('.') && key.starts_with(name));
            if tracer.attributes.iter().any(known) || GENERIC.iter().any(|g| key.starts_with(g)) {
                continue;
            }
            let example = format!("on {}: {}", span.name(), example_value(span, key));
            self.add(source, UnmappedKind::Attribute, key, at, example);
        }
    }

    fn add(&mut self, source: &str, kind: UnmappedKind, name: &str, at: i64, example: String) {
        let name: String = name.chars().take(NAME_CHARS).collect();
        let example: String = example.chars().take(2 * NAME_CHARS).collect();
        self.0
            .entry((source.to_string(), kind, name.clone()))
            .and_modify(|u| u.count += 1)
            .or_insert_with(|| Unmapped {
                source: source.to_string(),
                kind,
                name,
                count: 1,
                first_seen: at,
                last_seen: at,
                example,
            });
    }

    pub(super) fn unmapped(self) -> Vec<Unmapped> {
        self.0.into_values().collect()
    }
}

/// An attribute's value as an example: a number or a flag as it is; text
/// withheld (only its length said), since any name may carry what a caller
/// said or who they are.
fn example_value(span: &SpanView<'_>, key: &str) -> String {
    match span.json(&[key]) {
        Some(serde_json::Value::String(s)) => {
            format!("(text withheld, {} characters)", s.chars().count())
        }
        Some(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => v.to_string(),
        Some(serde_json::Value::Array(a)) => format!("(a list of {}, withheld)", a.len()),
        Some(serde_json::Value::Object(_)) => "(structured, withheld)".to_string(),
        Some(serde_json::Value::Null) | None => "(empty)".to_string(),
    }
}
