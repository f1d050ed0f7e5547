//! One LiveKit Agents span → the events it tells.

use serde_json::Value;

use crate::model::latency::{secs_to_ms, LatencyPart, PartMs};
use crate::model::{EventDetail, Role};
use crate::server::app::platforms::fields::{parse_result, tool_error, UNNAMED_TOOL};
use crate::server::app::platforms::spans::{SpanEvent, SpanView};

/// The span names LiveKit Agents 1.5–1.8 send.
pub const SPANS: &[&str] = &[
    "job_entrypoint",
    "agent_session",
    "session_start",
    "start_agent_activity",
    "setup_toolsets",
    "on_enter",
    "on_exit",
    "agent_turn",
    "agent_speaking",
    "user_turn",
    "user_speaking",
    "eou_wait",
    "eou_detection",
    "on_user_turn_completed",
    "llm_node",
    "llm_request",
    "llm_request_run",
    "tts_node",
    "tts_request",
    "tts_request_run",
    "function_tool",
    "session_close",
    "drain_agent_activity",
    "job_shutdown",
    "session_end_upload",
    "room_disconnect",
    "update_agent",
    "pause_agent_activity",
    "resume_agent_activity",
    "realtime_inference",
    "realtime_metrics",
    "amd",
    "room_connect",
    "wait_for_participant",
];

/// The attributes LiveKit Agents 1.5–1.8 set (a name ending in `.`: every
/// name under it). `lk.` is not one: a name it renames shows as unmapped.
pub const ATTRIBUTES: &[&str] = &[
    "gen_ai.",
    "langfuse.",
    "lk.agent_label",
    "lk.agent_name",
    "lk.chat_ctx",
    "lk.pii.chat_ctx",
    "lk.close.drain",
    "lk.close_reason",
    "lk.dispatch_id",
    "lk.e2e_latency",
    "lk.end_of_turn_delay",
    "lk.eou.",
    "lk.function_tool.",
    "lk.pii.function_tool.",
    "lk.function_tools",
    "lk.generation_count",
    "lk.generation_id",
    "lk.parent_generation_id",
    "lk.input_text",
    "lk.pii.input_text",
    "lk.interrupted",
    "lk.interruption.source",
    "lk.job.",
    "lk.job_id",
    "lk.llm_metrics",
    "lk.tts_metrics",
    "lk.on_user_turn_completed_delay",
    "lk.playout.position",
    "lk.provider_request_ids",
    "lk.provider_tools",
    "lk.tool_sets",
    "lk.response.function_calls",
    "lk.pii.response.function_calls",
    "lk.response.text",
    "lk.pii.response.text",
    "lk.response.ttfb",
    "lk.response.ttft",
    "lk.retry_count",
    "lk.room_name",
    "lk.pii.room_name",
    "lk.room_sid",
    "lk.shutdown.",
    "lk.speech.queue_wait",
    "lk.speech_id",
    "lk.stt.events",
    "lk.transcript_confidence",
    "lk.transcription_delay",
    "lk.tts.",
    "lk.user_input",
    "lk.pii.user_input",
    "lk.user_transcript",
    "lk.pii.user_transcript",
    "lk.instructions",
    "lk.pii.instructions",
    "lk.participant_identity",
    "lk.pii.participant_identity",
    "lk.sip.",
    "lk.pii.sip.",
    "lk.cloud_agent_id",
    "lk.deployment_id",
    "lk.input.",
    "error.type",
];

pub fn map(span: &SpanView<'_>) -> Vec<SpanEvent> {
    let (start, end) = (span.start_ms(), span.end_ms());
    match span.name() {
        "agent_session" => {
            let text = match span.text(&["lk.agent_label", "lk.agent_name"]) {
                Some(agent) => format!("session started ({agent})"),
                None => "session started".to_string(),
            };
            let started = EventDetail::Signal {
                event_type: "agent_session".into(),
                text,
                chatter: false,
            };
            let mut events = vec![SpanEvent::of(span, "start", start, started)];
            // 1.8 closes a session in a span of its own, with the reason;
            // before, the session's end is the call's.
            if span.text(&["gen_ai.operation.name"]).is_none() {
                let ended = EventDetail::End { ended_by: None };
                events.push(SpanEvent::of(span, "end", end, ended));
            }
            events
        }
        "session_close" => {
            let ended_by = span.text(&["lk.close_reason"]).map(str::to_string);
            vec![SpanEvent::of(span, "end", start, EventDetail::End { ended_by })]
        }
        "user_turn" => {
            let keys = ["lk.pii.user_transcript", "lk.user_transcript"];
            SpanEvent::said(span, Role::User, &keys, start).into_iter().collect()
        }
        "tts_request" => {
            let keys = ["lk.pii.input_text", "lk.input_text"];
            SpanEvent::said(span, Role::Agent, &keys, start).into_iter().collect()
        }
        "agent_turn" => {
            let mut events: Vec<SpanEvent> = response_latency(span).into_iter().collect();
            if span.flag(&["lk.interrupted"]) == Some(true) {
                let heard = span.text(&["lk.pii.response.text", "lk.response.text"]);
                let detail = EventDetail::Interruption {
                    text: heard.unwrap_or_default().to_string(),
                    at_seconds: None,
                    who: Some(Role::Agent),
                };
                events.push(SpanEvent::of(span, "cut", end, detail));
            }
            events
        }
        "llm_node" => SpanEvent::parent_latency(span, LatencyPart::Llm, "lk.response.ttft")
            .into_iter()
            .collect(),
        "tts_node" => SpanEvent::parent_latency(span, LatencyPart::Tts, "lk.response.ttfb")
            .into_iter()
            .collect(),
        "function_tool" => vec![SpanEvent::of(span, "tool", start, tool(span))],
        _ => Vec::new(),
    }
}

/// The silence before an agent turn's first audio (`lk.e2e_latency`) and
/// the parts the turn measured: the final transcript, the rest of the wait
/// for the end of the turn, the agent's own hooks and queue. The LLM's and
/// the voice's parts come on the turn's `llm_node` and `tts_node`.
fn response_latency(span: &SpanView<'_>) -> Option<SpanEvent> {
    let ms = |key: &str| span.number(&[key]).and_then(secs_to_ms);
    let heard_ms = ms("lk.e2e_latency");
    let transcription = ms("lk.transcription_delay");
    let end_of_turn = ms("lk.end_of_turn_delay").map(|d| d - transcription.unwrap_or(0).min(d));
    let agent = match (ms("lk.on_user_turn_completed_delay"), ms("lk.speech.queue_wait")) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
    };
    let parts: Vec<PartMs> = [
        (LatencyPart::EndOfTurn, end_of_turn),
        (LatencyPart::Transcription, transcription),
        (LatencyPart::Agent, agent),
    ]
    .into_iter()
    .filter_map(|(part, ms)| Some(PartMs { part, ms: ms? }))
    .collect();
    if heard_ms.is_none() && parts.is_empty() {
        return None;
    }
    let detail = EventDetail::Latency {
        response: span.span_id(),
        heard_ms,
        parts,
    };
    Some(SpanEvent::of(span, "latency", span.start_ms(), detail))
}

/// A function tool with its arguments and output; failed when LiveKit
/// says so (`is_error`, or `error.type` with the span's status unset).
fn tool(span: &SpanView<'_>) -> EventDetail {
    let function = span
        .text(&["lk.function_tool.name", "gen_ai.tool.name"])
        .unwrap_or(UNNAMED_TOOL)
        .to_string();
    let arguments = span
        .json(&["lk.pii.function_tool.arguments", "lk.function_tool.arguments", "gen_ai.tool.call.arguments"])
        .unwrap_or(Value::Null);
    let response = span
        .json(&["lk.pii.function_tool.output", "lk.function_tool.output", "gen_ai.tool.call.result"])
        .map(|r| parse_result(&r));
    let failed = span.flag(&["lk.function_tool.is_error"]) == Some(true)
        || span.text(&["error.type"]).is_some();
    let error = match failed {
        true => Some(match &response {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(other) if !other.is_null() => other.to_string(),
            _ => span.text(&["error.type"]).unwrap_or("the tool failed").to_string(),
        }),
        false => tool_error(None, response.as_ref()),
    };
    EventDetail::ToolCall {
        function,
        arguments,
        response,
        error,
    }
}

#[cfg(test)]
mod tests;
