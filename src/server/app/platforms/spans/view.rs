//! One span as a mapper reads it: its attributes by key, as text, number or
//! flag whatever way the exporter typed them, its times in epoch ms, and its
//! ids in the hex the OTLP JSON mapping uses.

use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::trace::v1::Span;
use serde_json::Value;

/// A span with the resource that sent it.
#[derive(Clone, Copy)]
pub struct SpanView<'a> {
    pub span: &'a Span,
    pub resource: &'a [KeyValue],
}

impl<'a> SpanView<'a> {
    pub fn name(&self) -> &'a str {
        &self.span.name
    }

    pub fn trace_id(&self) -> String {
        hex::encode(&self.span.trace_id)
    }

    pub fn span_id(&self) -> String {
        hex::encode(&self.span.span_id)
    }

    /// The parent's id; `None` for a trace's root.
    pub fn parent_id(&self) -> Option<String> {
        (!self.span.parent_span_id.is_empty()).then(|| hex::encode(&self.span.parent_span_id))
    }

    pub fn start_ms(&self) -> i64 {
        nanos_to_ms(self.span.start_time_unix_nano)
    }

    pub fn end_ms(&self) -> i64 {
        nanos_to_ms(self.span.end_time_unix_nano).max(self.start_ms())
    }

    /// The first of `keys` the span carries (older and newer names of one
    /// attribute), else the resource's.
    pub fn value(&self, keys: &[&str]) -> Option<&'a AnyValue> {
        keys.iter()
            .find_map(|key| find(&self.span.attributes, key).or_else(|| find(self.resource, key)))
    }

    pub fn text(&self, keys: &[&str]) -> Option<&'a str> {
        match self.value(keys)?.value.as_ref()? {
            Any::StringValue(s) if !s.trim().is_empty() => Some(s.as_str()),
            _ => None,
        }
    }

    /// A number, sent as a double, an integer, or a numeric string.
    pub fn number(&self, keys: &[&str]) -> Option<f64> {
        match self.value(keys)?.value.as_ref()? {
            Any::DoubleValue(d) => Some(*d),
            Any::IntValue(i) => Some(*i as f64),
            Any::StringValue(s) => s.trim().parse().ok(),
            _ => None,
        }
        .filter(|n: &f64| n.is_finite())
    }

    /// A flag, sent as a bool or as `"true"` / `"false"`.
    pub fn flag(&self, keys: &[&str]) -> Option<bool> {
        match self.value(keys)?.value.as_ref()? {
            Any::BoolValue(b) => Some(*b),
            Any::StringValue(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// An attribute as JSON: text that holds JSON is parsed (exporters send
    /// structured values as JSON strings), anything else kept as it is.
    pub fn json(&self, keys: &[&str]) -> Option<Value> {
        let value = self.value(keys)?;
        Some(match value.value.as_ref()? {
            Any::StringValue(s) => {
                serde_json::from_str(s).unwrap_or_else(|_| Value::from(s.as_str()))
            }
            _ => to_json(value),
        })
    }

    /// The span's own attribute keys (not the resource's).
    pub fn keys(&self) -> impl Iterator<Item = &'a str> {
        self.span.attributes.iter().map(|kv| kv.key.as_str())
    }

    /// The span as the OTLP JSON mapping writes it: what its events keep as
    /// their raw form.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self.span).unwrap_or(Value::Null)
    }
}

fn find<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a AnyValue> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
}

fn nanos_to_ms(nanos: u64) -> i64 {
    i64::try_from(nanos / 1_000_000).unwrap_or(i64::MAX)
}

/// Any attribute value as plain JSON (no OTLP wrapping).
pub(super) fn to_json(value: &AnyValue) -> Value {
    match &value.value {
        None => Value::Null,
        Some(Any::StringValue(s)) => Value::from(s.as_str()),
        Some(Any::BoolValue(b)) => Value::from(*b),
        Some(Any::IntValue(i)) => Value::from(*i),
        Some(Any::DoubleValue(d)) => Value::from(*d),
        Some(Any::ArrayValue(a)) => a.values.iter().map(to_json).collect(),
        Some(Any::KvlistValue(kv)) => kv
            .values
            .iter()
            .map(|kv| {
                (
                    kv.key.clone(),
                    kv.value.as_ref().map_or(Value::Null, to_json),
                )
            })
            .collect::<serde_json::Map<_, _>>()
            .into(),
        Some(Any::BytesValue(b)) => Value::from(hex::encode(b)),
        // A reference into a string table, which OTLP/HTTP traces do not use.
        Some(_) => Value::Null,
    }
}
