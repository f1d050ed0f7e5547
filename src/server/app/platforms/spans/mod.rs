//! The frameworks calltrail hears through OpenTelemetry: their spans arrive
//! on `/v1/traces` (OTLP/HTTP), in batches, out of order, a call's spans
//! spread over many requests, its root span last. Each framework's folder
//! maps one span at a time, on its own, to events; this module finds the
//! framework a batch is from and gives every event its call and its key.
//!
//! A call is a trace: every span of a session shares its trace id, so a
//! batch is placed without waiting for the root — unless a span names its
//! call with the configured attribute (`CALLTRAIL_TRACE_CALL_ATTRIBUTE`),
//! which joins it to that call, a platform's webhooks' own included. (calltrail's own samples
//! carry `calltrail.sample` on their resource: their call id is marked.) An event's key is its
//! span's id and what in the span it comes from, so a retried batch (an
//! exporter's retry) is stored once.

mod json;
mod report;
pub mod sample;
#[cfg(test)]
pub mod test_support;
mod view;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::Span;

use super::{valid_call_id, Item, ParsedEvent, TRACERS};
use crate::model::latency::{secs_to_ms, LatencyPart, PartMs};
pub use crate::model::unmapped::{Unmapped, UnmappedKind};
use crate::model::{self, EventDetail, Role};
pub use json::from_json;
pub use view::SpanView;

/// What a trace delivery is logged under until its spans say which
/// framework sent them.
pub const OTLP: &str = "otlp";

/// A framework that exports spans, as its folder defines it.
pub struct Tracer {
    /// Its name (stored with its calls) and label.
    pub info: model::platform::Platform,
    /// The instrumentation scope names its spans come under.
    pub scopes: &'static [&'static str],
    /// The span names it maps: a batch of other scopes is its when most of
    /// its spans have these names; any other name is reported unmapped.
    pub spans: &'static [&'static str],
    /// The span attributes it reads or knows to leave (all names, old and
    /// new; one ending in `.` stands for every name under it); any other
    /// is reported unmapped.
    pub attributes: &'static [&'static str],
    /// What one span becomes: empty when it says nothing a timeline shows.
    pub map: fn(&SpanView<'_>) -> Vec<SpanEvent>,
    /// A recorded session (OTLP/JSON: the list of export requests its
    /// exporter sent), which the simulator and the demo send.
    pub sample: &'static str,
    /// What the connect panel says to do in its code (then set the
    /// exporter's endpoint and headers).
    pub connect: &'static str,
}

/// One event a span makes.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanEvent {
    /// What, within its call, identifies the event: the span's id and the
    /// event's part of it, or something the framework repeats in later
    /// spans (a tool call's id) so the repeat is stored once.
    pub key: String,
    pub occurred_at: i64,
    pub detail: EventDetail,
}

impl SpanEvent {
    /// An event of `span`, keyed by its id and `part`.
    pub fn of(span: &SpanView<'_>, part: &str, occurred_at: i64, detail: EventDetail) -> Self {
        SpanEvent {
            key: format!("{}:{part}", span.span_id()),
            occurred_at,
            detail,
        }
    }
}

impl SpanEvent {
    /// What `role` said, from the first of `keys` the span carries (none
    /// when the framework leaves personal data out of its traces).
    pub fn said(span: &SpanView<'_>, role: Role, keys: &[&str], at: i64) -> Option<Self> {
        let text = span.text(keys)?.to_string();
        Some(SpanEvent::of(
            span,
            "said",
            at,
            EventDetail::Message { role, text },
        ))
    }

    /// One part of the latency of the response the span's parent is: its
    /// `key` attribute, in seconds (a step's time to its first token or
    /// byte, told to the turn it served).
    pub fn parent_latency(span: &SpanView<'_>, part: LatencyPart, key: &str) -> Option<Self> {
        let response = span.parent_id()?;
        let ms = span.number(&[key]).and_then(secs_to_ms)?;
        let detail = EventDetail::Latency {
            response,
            heard_ms: None,
            parts: vec![PartMs { part, ms }],
        };
        Some(SpanEvent::of(span, "latency", span.start_ms(), detail))
    }
}

/// What a batch becomes.
#[derive(Default)]
pub struct Mapped {
    /// The framework most of its spans are from.
    pub tracer: Option<&'static Tracer>,
    pub items: Vec<Item>,
    /// Spans of no framework calltrail reads, or without the ids and time
    /// OTLP requires: rejected, and counted so.
    pub rejected: usize,
    pub unmapped: Vec<Unmapped>,
}

/// Maps a decoded request, every resource's spans by the framework they
/// are from; a span carrying the `join` attribute (or whose resource does)
/// goes to the call it names.
pub fn map(request: &ExportTraceServiceRequest, received_at: i64, join: Option<&str>) -> Mapped {
    let mut mapped = Mapped::default();
    let mut found = report::Found::default();
    for resource_spans in &request.resource_spans {
        let resource = resource_spans
            .resource
            .as_ref()
            .map_or(&[][..], |r| &r.attributes[..]);
        for scope_spans in &resource_spans.scope_spans {
            let scope = scope_spans.scope.as_ref().map_or("", |s| s.name.as_str());
            let spans = &scope_spans.spans;
            let Some(tracer) = tracer_of(scope, spans.iter().map(|s| s.name.as_str())) else {
                mapped.rejected += spans.len();
                continue;
            };
            mapped.tracer.get_or_insert(tracer);
            for span in spans {
                if !well_formed(span) {
                    mapped.rejected += 1;
                    continue;
                }
                let view = SpanView { span, resource };
                found.saw(tracer, &view, received_at);
                mapped.items.extend(items(tracer, &view, join));
            }
        }
    }
    mapped.unmapped = found.unmapped();
    mapped
}

/// The events of one span; a span that maps to none is kept as a fine
/// line (shown when the timeline shows everything), so every span is
/// stored and a retry of it is known.
fn items(tracer: &Tracer, view: &SpanView<'_>, join: Option<&str>) -> Vec<Item> {
    let joined = join
        .and_then(|key| view.value(&[key]))
        .and_then(|value| valid_call_id(Some(&view::to_json(value))).ok());
    let call_id = match (joined, view.flag(&[sample::SAMPLE_ATTRIBUTE])) {
        (Some(call), _) => call,
        (None, Some(true)) => format!("{}{}", model::SAMPLE_PREFIX, view.trace_id()),
        (None, _) => view.trace_id(),
    };
    let mut events = (tracer.map)(view);
    if events.is_empty() {
        events.push(SpanEvent::of(
            view,
            "span",
            view.start_ms(),
            EventDetail::Signal {
                event_type: view.name().to_string(),
                text: format!("{} ({} ms)", view.name(), view.end_ms() - view.start_ms()),
                chatter: true,
            },
        ));
    }
    let part = view.to_json();
    events
        .into_iter()
        .map(|event| Item {
            event: ParsedEvent {
                call_id: call_id.clone(),
                occurred_at: Some(event.occurred_at),
                seconds_from_start: None,
                detail: event.detail,
            },
            key: Some(event.key),
            part: Some(part.clone()),
        })
        .collect()
}

/// A span with what OTLP requires of it: a 16-byte trace id and an 8-byte
/// span id, neither all zeroes, and a start time.
fn well_formed(span: &Span) -> bool {
    let id = |bytes: &[u8], len: usize| bytes.len() == len && bytes.iter().any(|b| *b != 0);
    id(&span.trace_id, 16) && id(&span.span_id, 8) && span.start_time_unix_nano > 0
}

/// The most spans one export may hold: an exporter's batch is 512 by
/// default; past this a request is refused (413) before it is mapped.
pub const MAX_SPANS: usize = 10_000;

/// How many spans an export holds.
pub fn span_count(request: &ExportTraceServiceRequest) -> usize {
    request
        .resource_spans
        .iter()
        .flat_map(|r| &r.scope_spans)
        .map(|s| s.spans.len())
        .sum()
}

/// The framework a scope's spans are from: by its scope name, else by most
/// of its span names.
fn tracer_of<'a>(scope: &str, names: impl Iterator<Item = &'a str>) -> Option<&'static Tracer> {
    if let Some(tracer) = TRACERS.iter().copied().find(|t| t.scopes.contains(&scope)) {
        return Some(tracer);
    }
    let names: Vec<&str> = names.collect();
    TRACERS
        .iter()
        .copied()
        .map(|t| (t, names.iter().filter(|n| t.spans.contains(n)).count()))
        .filter(|(_, known)| *known * 2 > names.len())
        .max_by_key(|(_, known)| *known)
        .map(|(t, _)| t)
}
