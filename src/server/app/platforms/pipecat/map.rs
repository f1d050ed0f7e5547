//! One Pipecat span → the events it tells.

use serde_json::Value;

use crate::model::latency::{secs_to_ms, LatencyPart};
use crate::model::{EventDetail, Role};
use crate::server::app::platforms::fields::{parse_arguments, parse_result, tool_error, UNNAMED_TOOL};
use crate::server::app::platforms::spans::{SpanEvent, SpanView};

/// The span attributes Pipecat sets (a name ending in `.`: every name
/// under it); what this mapper reads and what it knows to leave.
pub const ATTRIBUTES: &[&str] = &[
    "conversation.id",
    "conversation.type",
    "turn.",
    "transcript",
    "transcript.is_input",
    "is_final",
    "language",
    "user_id",
    "vad_enabled",
    "stt.transcript",
    "stt.incomplete",
    "input",
    "output",
    "llm.output",
    "text",
    "text_output",
    "tools",
    "tools.",
    "tool_count",
    "tool_choice",
    "tool.",
    "stream",
    "voice_id",
    "modalities",
    "tts.",
    "gen_ai.",
    "metrics.",
    "settings.",
    "param.",
    "extra.",
    "session.",
    "audio.",
    "function_calls.",
    "service.operation",
];

pub fn map(span: &SpanView<'_>) -> Vec<SpanEvent> {
    let (start, end) = (span.start_ms(), span.end_ms());
    match span.name() {
        "conversation" => {
            let started = EventDetail::Signal {
                event_type: "conversation".into(),
                text: "conversation started".into(),
                chatter: false,
            };
            let ended = EventDetail::End { ended_by: None };
            vec![
                SpanEvent::of(span, "start", start, started),
                SpanEvent::of(span, "end", end, ended),
            ]
        }
        "turn" => {
            let heard_ms = span.number(&["turn.user_bot_latency_seconds"]).and_then(secs_to_ms);
            heard_ms
                .map(|heard| {
                    let detail = EventDetail::Latency {
                        response: span.span_id(),
                        heard_ms: Some(heard),
                        parts: Vec::new(),
                    };
                    SpanEvent::of(span, "latency", start, detail)
                })
                .into_iter()
                .collect()
        }
        "stt" => {
            let keys = ["transcript", "stt.transcript"];
            let said = SpanEvent::said(span, Role::User, &keys, start);
            said.into_iter()
                .chain(first_byte(span, LatencyPart::Transcription))
                .collect()
        }
        "llm" => {
            // Its answer came with its first token; the tools it was
            // called to answer had run before it started.
            let ttfb = span.number(&["metrics.ttfb"]).and_then(secs_to_ms);
            let first_token = start.saturating_add(ttfb.unwrap_or(0));
            let keys = ["output", "llm.output"];
            let mut events: Vec<SpanEvent> = SpanEvent::said(span, Role::Agent, &keys, first_token)
                .into_iter()
                .collect();
            events.extend(tools_answered(span, start));
            events.extend(first_byte(span, LatencyPart::Llm));
            events
        }
        "tts" if span.flag(&["tts.interrupted"]) != Some(true) => first_byte(span, LatencyPart::Tts).into_iter().collect(),
        "tts" => {
            let detail = EventDetail::Interruption {
                text: span.text(&["text"]).unwrap_or_default().to_string(),
                at_seconds: None,
                who: Some(Role::Agent),
            };
            let mut events = vec![SpanEvent::of(span, "cut", end, detail)];
            events.extend(first_byte(span, LatencyPart::Tts));
            events
        }
        "llm_tool_call" => {
            let detail = EventDetail::ToolRequest {
                function: tool_name(span),
                arguments: span.json(&["tool.arguments"]).map_or(Value::Null, |a| parse_arguments(Some(&a))),
            };
            vec![tool_event(span, "ask", start, detail)]
        }
        "llm_tool_result" => {
            let response = span.json(&["tool.result"]).map(|r| parse_result(&r));
            let failed = span
                .text(&["tool.result_status"])
                .is_some_and(|s| !matches!(s, "success" | "completed" | "ok"));
            let error = match failed {
                true => Some(span.text(&["tool.result_status"]).unwrap_or("failed").to_string()),
                false => tool_error(None, response.as_ref()),
            };
            let detail = EventDetail::ToolCall {
                function: tool_name(span),
                arguments: span.json(&["tool.arguments"]).unwrap_or(Value::Null),
                response,
                error,
            };
            vec![tool_event(span, "done", end, detail)]
        }
        _ => Vec::new(),
    }
}

/// A service's time to its first byte (`metrics.ttfb`): the turn's part
/// of the caller's wait.
fn first_byte(span: &SpanView<'_>, part: LatencyPart) -> Option<SpanEvent> {
    SpanEvent::parent_latency(span, part, "metrics.ttfb")
}

fn tool_name(span: &SpanView<'_>) -> String {
    span.text(&["tool.function_name"]).unwrap_or(UNNAMED_TOOL).to_string()
}

/// A realtime tool event, keyed by the call's id so its request and its
/// result are told apart and each stored once.
fn tool_event(span: &SpanView<'_>, part: &str, at: i64, detail: EventDetail) -> SpanEvent {
    match span.text(&["tool.call_id"]) {
        Some(id) => SpanEvent {
            key: format!("tool-{part}:{id}"),
            occurred_at: at,
            detail,
        },
        None => SpanEvent::of(span, part, at, detail),
    }
}

/// The tool calls an llm span was called to answer: the `input` messages
/// after the last thing said (the assistant's `tool_calls`, then each
/// `tool` message with its result). Later llm spans repeat them in their
/// history; only the first answer has them at its end, so each is told
/// once, at the time that llm span started.
fn tools_answered(span: &SpanView<'_>, at: i64) -> Vec<SpanEvent> {
    let Some(Value::Array(messages)) = span.json(&["input"]) else {
        return Vec::new();
    };
    let spoken = |m: &Value| {
        m.get("content").and_then(Value::as_str).is_some_and(|c| !c.is_empty())
            && matches!(m.get("role").and_then(Value::as_str), Some("user" | "assistant"))
    };
    let tail = messages.iter().rposition(spoken).map_or(0, |i| i + 1);
    let tail = &messages[tail..];
    let result_of = |id: &str| {
        tail.iter()
            .find(|m| m.get("tool_call_id").and_then(Value::as_str) == Some(id))
            .and_then(|m| m.get("content"))
    };
    tail.iter()
        .filter_map(|m| m.get("tool_calls").and_then(Value::as_array))
        .flatten()
        .filter_map(|call| {
            let id = call.get("id").and_then(Value::as_str)?;
            let function = call.get("function")?;
            let name = function.get("name").and_then(Value::as_str).unwrap_or(UNNAMED_TOOL);
            let arguments = parse_arguments(function.get("arguments"));
            let detail = match result_of(id) {
                Some(content) => {
                    let response = parse_result(content);
                    EventDetail::ToolCall {
                        function: name.to_string(),
                        arguments,
                        error: tool_error(None, Some(&response)),
                        response: Some(response),
                    }
                }
                None => EventDetail::ToolRequest {
                    function: name.to_string(),
                    arguments,
                },
            };
            Some(SpanEvent {
                key: format!("tool:{id}"),
                occurred_at: at,
                detail,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
