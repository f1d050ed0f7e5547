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

/// Longest example value kept.
const EXAMPLE_CHARS: usize = 120;

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
        self.0
            .entry((source.to_string(), kind, name.to_string()))
            .and_modify(|u| u.count += 1)
            .or_insert_with(|| Unmapped {
                source: source.to_string(),
                kind,
                name: name.to_string(),
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

/// An attribute's value, short; withheld when its name says it may be
/// personal (`pii`, transcripts, messages, …).
fn example_value(span: &SpanView<'_>, key: &str) -> String {
    const PERSONAL: &[&str] = &[
        "pii",
        "transcript",
        "text",
        "message",
        "input",
        "output",
        "content",
    ];
    if PERSONAL
        .iter()
        .any(|p| key.to_ascii_lowercase().contains(p))
    {
        return "(value withheld: it may be personal)".to_string();
    }
    let value = span.json(&[key]).map_or_else(String::new, |v| match v {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    });
    match value.char_indices().nth(EXAMPLE_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value,
    }
}
