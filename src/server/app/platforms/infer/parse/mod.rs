//! Infer's server events, normalized. The wire format and its quirks are in the
//! project's spec: keys mix cases, results arrive under several names, the
//! end-of-call report has no envelope and is recognised by its shape.

use serde_json::{Map, Value};

use crate::model::{EventDetail, Role, TransferStage};
use crate::server::app::platforms::fields::{
    num_field, parse_arguments, report_turns, str_field, tool_error, UNNAMED_TOOL,
};
use crate::server::app::platforms::timestamp;
use crate::server::app::platforms::valid_call_id;
pub use crate::server::app::platforms::{ParseError, ParsedEvent};

pub fn parse(body: &Value) -> Result<ParsedEvent, ParseError> {
    let obj = body.as_object().ok_or(ParseError::NotAnObject)?;
    let call_id = call_id(obj)?;
    let envelope_time = obj.get("timestamp").and_then(timestamp::parse);
    let meta = obj.get("metadata").and_then(Value::as_object);
    let empty = Map::new();
    let meta = meta.unwrap_or(&empty);

    let event_type = obj.get("type").and_then(Value::as_str).unwrap_or("");
    let mut event = ParsedEvent {
        call_id,
        occurred_at: envelope_time,
        seconds_from_start: None,
        detail: EventDetail::Unknown {
            event_type: event_type.to_string(),
        },
    };
    if is_report(obj) {
        parse_report(obj, &mut event);
        return Ok(event);
    }
    match event_type {
        "conversation-update" => {
            event.detail = EventDetail::Message {
                role: Role::from_wire(str_field(meta, &["role"]).unwrap_or("unknown")),
                text: str_field(meta, &["message", "text", "content"])
                    .unwrap_or_default()
                    .to_string(),
            };
            event.seconds_from_start = num_field(meta, &["secondsFromStart", "seconds_from_start"]);
            if let Some(t) = meta.get("time").and_then(timestamp::parse) {
                event.occurred_at = Some(t);
            }
        }
        "tool-call" => event.detail = parse_tool_call(meta),
        "user-interrupted" => {
            event.seconds_from_start =
                num_field(meta, &["interruption_timestamp", "interruptionTimestamp"]);
            event.detail = EventDetail::Interruption {
                text: str_field(meta, &["interruption_text", "interruptionText"])
                    .unwrap_or_default()
                    .to_string(),
                at_seconds: event.seconds_from_start,
                who: str_field(meta, &["role", "interrupted_role", "interruptedRole"])
                    .map(Role::from_wire),
            };
        }
        "hang-notification" | "agent-hang-notification" => {
            event.detail = EventDetail::Hang {
                after_seconds: num_field(
                    meta,
                    &["triggeredAfterSeconds", "triggered_after_seconds"],
                ),
                message: str_field(meta, &["message"]).map(str::to_string),
            };
        }
        "transfer-call" => event.detail = parse_transfer(meta),
        "end-call" => {
            event.detail = EventDetail::End {
                ended_by: str_field(meta, &["ended_by", "endedBy"]).map(str::to_string),
            };
        }
        _ => {}
    }
    Ok(event)
}

fn call_id(obj: &Map<String, Value>) -> Result<String, ParseError> {
    valid_call_id(obj.get("call_id").or_else(|| obj.get("callId")))
}

/// The end-of-call report carries no envelope: `type` there is the call's type
/// ("phone_call"), so it is recognised by its fields.
fn is_report(obj: &Map<String, Value>) -> bool {
    obj.get("metadata").is_none()
        && ["endedReason", "messages", "summary"]
            .iter()
            .any(|k| obj.contains_key(*k))
}

fn parse_report(obj: &Map<String, Value>, event: &mut ParsedEvent) {
    let ended_at = obj.get("endedAt").and_then(timestamp::parse);
    event.occurred_at = ended_at.or(event.occurred_at);
    let duration_ms = num_field(obj, &["durationMs"])
        .or_else(|| num_field(obj, &["durationSeconds"]).map(|s| s * 1000.0))
        .map(|ms| ms.round() as i64);
    event.detail = EventDetail::Report {
        summary: str_field(obj, &["summary"]).map(str::to_string),
        transcript: str_field(obj, &["transcript"]).map(str::to_string),
        recording_url: str_field(obj, &["recordingUrl", "recording_url"]).map(str::to_string),
        stereo_recording_url: str_field(obj, &["stereoRecordingUrl"]).map(str::to_string),
        duration_ms,
        ended_reason: str_field(obj, &["endedReason", "ended_reason"]).map(str::to_string),
        cost: num_field(obj, &["cost"]),
        started_at: obj.get("startedAt").and_then(timestamp::parse),
        success: None,
        sentiment: None,
        turns: report_turns(obj.get("messages")),
    };
}

fn parse_tool_call(meta: &Map<String, Value>) -> EventDetail {
    let arguments = parse_arguments(meta.get("arguments").or_else(|| meta.get("args")));
    let response = ["response", "result", "output"]
        .iter()
        .find_map(|k| meta.get(*k))
        .cloned();
    let error = tool_error(meta.get("error"), response.as_ref());
    EventDetail::ToolCall {
        function: str_field(meta, &["functionName", "function_name", "name"])
            .unwrap_or(UNNAMED_TOOL)
            .to_string(),
        arguments,
        response,
        error,
    }
}

fn parse_transfer(meta: &Map<String, Value>) -> EventDetail {
    let mut label = str_field(meta, &["label"]).map(str::to_string);
    let destination = match meta
        .get("transferred_to")
        .or_else(|| meta.get("destination"))
    {
        Some(Value::String(s)) => Some(s.clone()),
        // The REST API's shape: {type, value, label}.
        Some(Value::Object(o)) => {
            if label.is_none() {
                label = str_field(o, &["label"]).map(str::to_string);
            }
            str_field(o, &["value", "number", "agent"]).map(str::to_string)
        }
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    EventDetail::Transfer {
        transfer_type: str_field(meta, &["transfer_type", "transferType"])
            .map(|t| t.trim().to_ascii_lowercase()),
        destination,
        label,
        stage: TransferStage::Done,
    }
}

#[cfg(test)]
mod tests;
