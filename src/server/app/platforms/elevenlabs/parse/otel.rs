//! `post_call_transcription_otel`: the transcript as OpenTelemetry spans
//! (a webhook's "opentelemetry" transcript format), read with the span
//! view the traced frameworks share. Built from ElevenLabs' documented
//! span names and attributes (`elevenlabs.recv.user_transcript` with
//! `elevenlabs.user.text`, `elevenlabs.recv.agent_response` with
//! `elevenlabs.agent.text`, `elevenlabs.tool.{name}`, the root
//! `elevenlabs.conversation`) and the tool and metric keys integrations
//! read from live payloads (`elevenlabs.tool.params` / `.result`, a tool's
//! failure as the span's error status). Span ids are new at every export
//! of a conversation: an event is keyed by its span's name, start and
//! place instead, so a retried delivery is stored once.

use serde_json::Value;

use super::Object;
use crate::model::latency::{LatencyPart, PartMs};
use crate::model::{EventDetail, Role};
use crate::server::app::platforms::fields::{parse_arguments, parse_result, UNNAMED_TOOL};
use crate::server::app::platforms::spans::{from_json, SpanView};
use crate::server::app::platforms::{Item, ParseError, ParsedEvent};

/// OTLP's status code for a failed span.
const STATUS_ERROR: i32 = 2;

pub(super) fn items(call_id: &str, data: &Object) -> Result<Vec<Item>, ParseError> {
    let invalid = ParseError::Envelope("`data.otlp_traces` export", "ElevenLabs' OpenTelemetry transcripts");
    let traces = data.get("otlp_traces").ok_or(invalid.clone())?;
    let request = from_json(traces.to_string().as_bytes()).map_err(|_| invalid)?;
    let mut items = Vec::new();
    for resource_spans in &request.resource_spans {
        let resource = resource_spans.resource.as_ref().map_or(&[][..], |r| &r.attributes[..]);
        let spans = resource_spans.scope_spans.iter().flat_map(|s| &s.spans);
        for (i, span) in spans.enumerate() {
            let view = SpanView { span, resource };
            let key = format!("otel:{}:{}:{i}", view.name(), span.start_time_unix_nano);
            for (part, at, detail) in events(&view) {
                items.push(Item {
                    event: ParsedEvent {
                        call_id: call_id.to_string(),
                        occurred_at: Some(at),
                        seconds_from_start: None,
                        detail,
                    },
                    key: Some(format!("{key}:{part}")),
                    part: Some(view.to_json()),
                });
            }
        }
    }
    match items.is_empty() {
        true => Err(ParseError::Envelope(
            "span in `data.otlp_traces`",
            "ElevenLabs' OpenTelemetry transcripts",
        )),
        false => Ok(items),
    }
}

/// What one span tells: (its part, when, what).
fn events(span: &SpanView<'_>) -> Vec<(&'static str, i64, EventDetail)> {
    let (start, end) = (span.start_ms(), span.end_ms());
    let said = |role: Role, key: &str| {
        span.text(&[key]).map(|text| ("said", start, EventDetail::Message { role, text: text.to_string() }))
    };
    match span.name() {
        "elevenlabs.recv.user_transcript" => said(Role::User, "elevenlabs.user.text").into_iter().collect(),
        "elevenlabs.recv.agent_response" => said(Role::Agent, "elevenlabs.agent.text")
            .into_iter()
            .chain(latency(span).map(|l| ("latency", start, l)))
            .collect(),
        "elevenlabs.conversation" => conversation(span, end),
        name if name.starts_with("elevenlabs.tool.") => vec![("tool", start, tool(span, name))],
        name => vec![(
            "span",
            start,
            EventDetail::Signal {
                event_type: name.to_string(),
                text: name.to_string(),
                chatter: true,
            },
        )],
    }
}

/// The root: the call's end with its reason, and the report.
fn conversation(span: &SpanView<'_>, end: i64) -> Vec<(&'static str, i64, EventDetail)> {
    let text = |key: &str| span.text(&[key]).map(str::to_string);
    let reason = text("elevenlabs.termination_reason");
    let report = EventDetail::Report {
        summary: text("elevenlabs.analysis.transcript_summary"),
        transcript: None,
        recording_url: None,
        stereo_recording_url: None,
        duration_ms: span
            .number(&["elevenlabs.session.duration_ms"])
            .map(|ms| ms as i64)
            .or(Some(end - span.start_ms())),
        ended_reason: reason.clone(),
        cost: None,
        started_at: Some(span.start_ms()),
        success: text("elevenlabs.analysis.call_successful"),
        sentiment: None,
        turns: Vec::new(),
    };
    vec![("end", end, EventDetail::End { ended_by: reason }), ("report", end, report)]
}

/// `elevenlabs.tool.{name}`: its parameters and result; failed when the
/// span's status is an error.
fn tool(span: &SpanView<'_>, name: &str) -> EventDetail {
    let function = span
        .text(&["elevenlabs.tool.name"])
        .unwrap_or_else(|| name.strip_prefix("elevenlabs.tool.").unwrap_or(UNNAMED_TOOL))
        .to_string();
    let arguments = span
        .json(&["elevenlabs.tool.params", "elevenlabs.tool.arguments"])
        .map_or(Value::Null, |a| parse_arguments(Some(&a)));
    let response = span.json(&["elevenlabs.tool.result"]).map(|r| parse_result(&r));
    let status = span.span.status.as_ref();
    let error = status.filter(|s| s.code == STATUS_ERROR).map(|s| match s.message.as_str() {
        "" => "the tool failed".to_string(),
        message => message.to_string(),
    });
    EventDetail::ToolCall {
        function,
        arguments,
        response,
        error,
    }
}

/// An agent turn's LLM and voice time to first byte, when it carries them.
fn latency(span: &SpanView<'_>) -> Option<EventDetail> {
    let ms = |key: &str| span.number(&[key]).filter(|ms| (0.0..3_600_000.0).contains(ms)).map(|ms| ms as i64);
    let parts: Vec<PartMs> = [
        (LatencyPart::Llm, ms("elevenlabs.metric.convai_llm_service_ttfb_ms")),
        (LatencyPart::Tts, ms("elevenlabs.metric.convai_tts_service_ttfb_ms")),
    ]
    .into_iter()
    .filter_map(|(part, ms)| Some(PartMs { part, ms: ms? }))
    .collect();
    (!parts.is_empty()).then(|| EventDetail::Latency {
        response: span.span_id(),
        heard_ms: None,
        parts,
    })
}
