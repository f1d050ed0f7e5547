//! A framework's recorded session, as the simulator and the demo send it:
//! each export request when its last span ended, under a fresh trace id,
//! every time moved so the session happens now.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::trace::v1::Span;

use super::{from_json, Tracer};

/// The resource attribute that marks a session as calltrail's own sample:
/// its call is badged and filtered as a demo call.
pub const SAMPLE_ATTRIBUTE: &str = "calltrail.sample";

/// The recorded session's requests, each with its offset (ms after the
/// session's first span started) at which it was sent.
pub fn session(tracer: &Tracer) -> Vec<(i64, ExportTraceServiceRequest)> {
    let list: Vec<serde_json::Value> =
        serde_json::from_str(tracer.sample).expect("a recorded session is a JSON list");
    let requests: Vec<ExportTraceServiceRequest> = list
        .iter()
        .map(|r| from_json(r.to_string().as_bytes()).expect("a recorded request reads"))
        .collect();
    let first = requests
        .iter()
        .flat_map(spans_of)
        .map(|s| s.start_time_unix_nano)
        .min()
        .unwrap_or(0);
    requests
        .into_iter()
        .map(|r| {
            let sent = spans_of(&r)
                .map(|s| s.end_time_unix_nano)
                .max()
                .unwrap_or(first);
            (ns_to_ms(sent.saturating_sub(first)), r)
        })
        .collect()
}

/// Makes a recorded request one of trace `trace_id`, moved by `shift_ms`,
/// marked as a sample.
pub fn stamp(request: &mut ExportTraceServiceRequest, trace_id: [u8; 16], shift_ms: i64) {
    let shift = |t: &mut u64| *t = t.saturating_add_signed(shift_ms.saturating_mul(1_000_000));
    for resource_spans in &mut request.resource_spans {
        let resource = resource_spans.resource.get_or_insert_with(Default::default);
        resource.attributes.push(KeyValue {
            key: SAMPLE_ATTRIBUTE.into(),
            value: Some(AnyValue {
                value: Some(Any::BoolValue(true)),
            }),
            ..KeyValue::default()
        });
        for scope in &mut resource_spans.scope_spans {
            for span in &mut scope.spans {
                span.trace_id = trace_id.to_vec();
                shift(&mut span.start_time_unix_nano);
                shift(&mut span.end_time_unix_nano);
                span.events
                    .iter_mut()
                    .for_each(|e| shift(&mut e.time_unix_nano));
            }
        }
    }
}

/// When the recorded session's first span started, epoch ms.
pub fn started_at(requests: &[(i64, ExportTraceServiceRequest)]) -> i64 {
    let first = requests
        .iter()
        .flat_map(|(_, r)| spans_of(r))
        .map(|s| s.start_time_unix_nano)
        .min()
        .unwrap_or(0);
    ns_to_ms(first)
}

/// Load made of a recorded session's spans: batches of distinct spans for
/// the bench and the crash check, each span an event calltrail stores.
pub struct Numbered {
    /// The session's first request, without its spans: resource and scope.
    base: ExportTraceServiceRequest,
    spans: Vec<Span>,
}

impl Numbered {
    pub fn new(tracer: &Tracer) -> Self {
        let recorded: Vec<ExportTraceServiceRequest> =
            session(tracer).into_iter().map(|(_, r)| r).collect();
        let spans: Vec<Span> = recorded.iter().flat_map(spans_of).cloned().collect();
        let mut base = recorded.into_iter().next().expect("a recorded session");
        base.resource_spans.truncate(1);
        base.resource_spans[0].scope_spans.truncate(1);
        base.resource_spans[0].scope_spans[0].spans.clear();
        Numbered { base, spans }
    }

    /// `n` of the session's spans (taken round in order from `first`), each
    /// under trace `trace_id` with its own span id made from its number
    /// (`first`, `first + 1`, …).
    pub fn batch(&self, trace_id: [u8; 16], first: u64, n: usize) -> ExportTraceServiceRequest {
        let mut batch = self.base.clone();
        batch.resource_spans[0].scope_spans[0].spans = (0..n as u64)
            .map(|k| {
                let number = first + k;
                let mut span = self.spans[(number % self.spans.len() as u64) as usize].clone();
                span.trace_id = trace_id.to_vec();
                span.span_id = (number + 1).to_be_bytes().to_vec();
                span.parent_span_id.clear();
                span
            })
            .collect();
        batch
    }
}

fn spans_of(request: &ExportTraceServiceRequest) -> impl Iterator<Item = &Span> {
    request
        .resource_spans
        .iter()
        .flat_map(|r| &r.scope_spans)
        .flat_map(|s| &s.spans)
}

fn ns_to_ms(ns: u64) -> i64 {
    i64::try_from(ns / 1_000_000).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::app::platforms::TRACERS;

    #[test]
    fn each_frameworks_session_moves_to_now_as_one_sample_call() {
        for tracer in TRACERS {
            let mut requests = session(tracer);
            assert!(requests.len() > 3, "{}", tracer.info.name);
            let shift = 1_900_000_000_000 - started_at(&requests);
            let mut calls = std::collections::BTreeSet::new();
            for (at, request) in &mut requests {
                assert!((0..120_000).contains(at), "{at}");
                stamp(request, [7; 16], shift);
                let mapped = super::super::map(request, 0, None);
                for item in mapped.items {
                    calls.insert(item.event.call_id);
                    let t = item.event.occurred_at.unwrap();
                    assert!((1_900_000_000_000..1_900_000_120_000).contains(&t), "{t}");
                }
            }
            let sample = format!("{}{}", crate::model::SAMPLE_PREFIX, hex::encode([7u8; 16]));
            assert_eq!(calls.into_iter().collect::<Vec<_>>(), vec![sample]);
        }
    }
}
