//! Vapi's server messages (`{"message": {"type": …, "call": {…}}}`),
//! normalized. Conversation updates and the end-of-call report carry the
//! whole history every time: each message is keyed by its role and start
//! time, so it is stored once however often it is re-sent. A tool call
//! arrives twice — requested (`tool-calls`, or a `tool_calls` history
//! entry), then answered (a `tool_call_result` entry) — and becomes a
//! `ToolRequest` and a `ToolCall` carrying the request's arguments.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::model::{EventDetail, Role, TransferStage};
use crate::server::app::platforms::fields::{
    num_field, parse_arguments, parse_result, report_turns, str_field, tool_error, UNNAMED_TOOL,
};
use crate::server::app::platforms::timestamp;
use crate::server::app::platforms::{valid_call_id, Item, ParseError, ParsedEvent};

type Object = Map<String, Value>;

pub fn parse(body: &Value) -> Result<Vec<Item>, ParseError> {
    let message = body
        .as_object()
        .ok_or(ParseError::NotAnObject)?
        .get("message")
        .and_then(Value::as_object)
        .ok_or(ParseError::Envelope("`message`", "Vapi server messages"))?;
    let call_id = valid_call_id(message.get("call").and_then(|c| c.get("id")))?;
    let at = message.get("timestamp").and_then(timestamp::parse);
    let kind = str_field(message, &["type"]).unwrap_or("");
    let event = |detail: EventDetail| ParsedEvent {
        call_id: call_id.clone(),
        occurred_at: at,
        seconds_from_start: None,
        detail,
    };
    let mut items = match kind {
        "conversation-update" => history(&call_id, list(message, "messages")),
        "end-of-call-report" => {
            let mut report = event(report(message));
            report.occurred_at = message.get("endedAt").and_then(timestamp::parse).or(at);
            let mut items = vec![keyed(report, "report")];
            let artifact = message.get("artifact").and_then(Value::as_object);
            let messages = artifact
                .map(|a| list(a, "messages"))
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| list(message, "messages"));
            items.extend(history(&call_id, messages));
            items
        }
        "tool-calls" => requests(message)
            .into_iter()
            .map(|(id, call)| Item {
                event: event(request(call)),
                key: Some(format!("tool:{id}")),
                part: Some(Value::Object(call.clone())),
            })
            .collect(),
        "transfer-update" => vec![Item::whole(event(transfer_to(message, TransferStage::Done)))],
        "hang" => vec![Item::whole(event(EventDetail::Hang {
            after_seconds: None,
            message: None,
        }))],
        // The caller spoke over the assistant: the assistant was cut off.
        "user-interrupted" => vec![Item::whole(event(EventDetail::Interruption {
            text: String::new(),
            at_seconds: None,
            who: Some(Role::Agent),
        }))],
        "status-update" if str_field(message, &["status"]) == Some("ended") => {
            let ended_by = str_field(message, &["endedReason"]).map(str::to_string);
            vec![keyed(event(EventDetail::End { ended_by }), "end")]
        }
        "function-call" => vec![Item::whole(event(legacy_request(message)))],
        _ => signals::signal(kind, message)
            .map(|detail| vec![Item::whole(event(detail))])
            .unwrap_or_default(),
    };
    if items.is_empty() {
        // A history with nothing new says nothing; a type Vapi never
        // documented is kept as it came.
        let detail = match kind {
            "conversation-update" | "tool-calls" => EventDetail::Signal {
                event_type: kind.to_string(),
                text: format!("{} with nothing new", kind.replace('-', " ")),
                chatter: true,
            },
            _ => EventDetail::Unknown {
                event_type: kind.to_string(),
            },
        };
        items.push(Item::whole(event(detail)));
    }
    Ok(items)
}

fn keyed(event: ParsedEvent, key: &str) -> Item {
    Item {
        event,
        key: Some(key.to_string()),
        part: None,
    }
}

fn list<'a>(obj: &'a Object, key: &str) -> Vec<&'a Object> {
    obj.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default()
}

/// The events of a history, each keyed so a re-sent history adds only
/// what is new. System messages (the assistant's prompt) were never said.
fn history(call_id: &str, messages: Vec<&Object>) -> Vec<Item> {
    let asked: HashMap<&str, &Object> = messages
        .iter()
        .filter(|m| str_field(m, &["role"]) == Some("tool_calls"))
        .flat_map(|m| list(m, "toolCalls"))
        .filter_map(|call| Some((str_field(call, &["id"])?, call)))
        .collect();
    let mut items = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let role = str_field(m, &["role"]).unwrap_or("");
        let event = |detail: EventDetail| ParsedEvent {
            call_id: call_id.to_string(),
            occurred_at: m.get("time").and_then(timestamp::parse),
            seconds_from_start: num_field(m, &["secondsFromStart"]),
            detail,
        };
        let part = Some(Value::Object((*m).clone()));
        match role {
            "system" => {}
            "tool_calls" => {
                for call in list(m, "toolCalls") {
                    let Some(id) = str_field(call, &["id"]) else {
                        continue;
                    };
                    items.push(Item {
                        event: event(request(call)),
                        key: Some(format!("tool:{id}")),
                        part: Some(Value::Object(call.clone())),
                    });
                }
            }
            "tool_call_result" => {
                let id = str_field(m, &["toolCallId"]).unwrap_or_default();
                let (function, arguments) = asked
                    .get(id)
                    .map(|call| requested(call))
                    .unwrap_or_else(|| (unnamed(m), Value::Null));
                let response = m.get("result").map(parse_result);
                let error = tool_error(m.get("error"), response.as_ref());
                // Without an id, a result is keyed by when it came, as a
                // message is, so two never share a key.
                let key = if id.is_empty() {
                    format!("tool-result:@{}", moment(m, i))
                } else {
                    format!("tool-result:{id}")
                };
                items.push(Item {
                    event: event(EventDetail::ToolCall {
                        function,
                        arguments,
                        response,
                        error,
                    }),
                    key: Some(key),
                    part,
                });
            }
            _ => {
                let text = str_field(m, &["message", "content"]).unwrap_or_default();
                if text.trim().is_empty() {
                    continue;
                }
                let role = Role::from_wire(role);
                items.push(Item {
                    key: Some(format!("msg:{}:{}", role.css_class(), moment(m, i))),
                    event: event(EventDetail::Message {
                        role,
                        text: text.to_string(),
                    }),
                    part,
                });
            }
        }
    }
    items
}

/// When a history entry was said, for its key: its clock time, else its
/// offset, else its place in the history (which only grows).
fn moment(m: &Object, i: usize) -> String {
    m.get("time")
        .map(Value::to_string)
        .or_else(|| m.get("secondsFromStart").map(|s| format!("s{s}")))
        .unwrap_or_else(|| format!("#{i}"))
}

/// The calls of a `tool-calls` message, from either list (or both, as
/// Vapi sends them), each once, by id.
fn requests(message: &Object) -> Vec<(&str, &Object)> {
    let listed = list(message, "toolCallList");
    let wrapped = list(message, "toolWithToolCallList")
        .into_iter()
        .filter_map(|t| t.get("toolCall").and_then(Value::as_object));
    let mut seen = std::collections::HashSet::new();
    listed
        .into_iter()
        .chain(wrapped)
        .filter_map(|call| Some((str_field(call, &["id"])?, call)))
        .filter(|(id, _)| seen.insert(*id))
        .collect()
}

/// One requested call: `{id, function: {name, arguments}}`, or the flat
/// `{id, name, arguments | parameters}` some of Vapi's pages show; the
/// arguments an object or a JSON string.
fn request(call: &Object) -> EventDetail {
    let (function, arguments) = requested(call);
    EventDetail::ToolRequest {
        function,
        arguments,
    }
}

/// A requested call's function name and arguments.
fn requested(call: &Object) -> (String, Value) {
    let function = call.get("function").and_then(Value::as_object);
    let name = function
        .and_then(|f| str_field(f, &["name"]))
        .or_else(|| str_field(call, &["name"]));
    let arguments = function
        .and_then(|f| f.get("arguments").or_else(|| f.get("parameters")))
        .or_else(|| call.get("arguments"))
        .or_else(|| call.get("parameters"));
    (
        name.unwrap_or(UNNAMED_TOOL).to_string(),
        parse_arguments(arguments),
    )
}

fn unnamed(obj: &Object) -> String {
    str_field(obj, &["name"])
        .unwrap_or(UNNAMED_TOOL)
        .to_string()
}

/// The legacy `function-call`: `{functionCall: {name, parameters}}`.
fn legacy_request(message: &Object) -> EventDetail {
    let call = message.get("functionCall").and_then(Value::as_object);
    let (function, arguments) = call.map(requested).unwrap_or_else(|| (UNNAMED_TOOL.to_string(), Value::Null));
    EventDetail::ToolRequest {
        function,
        arguments,
    }
}

/// A transfer at `stage`; `destination` is `{type: number | sip |
/// assistant, …}` when the message has one.
fn transfer_to(message: &Object, stage: TransferStage) -> EventDetail {
    let destination = message.get("destination").and_then(Value::as_object);
    let to = destination.and_then(|d| str_field(d, &["number", "sipUri", "assistantName"]));
    EventDetail::Transfer {
        transfer_type: destination
            .and_then(|d| str_field(d, &["type"]))
            .map(str::to_string),
        destination: to.map(str::to_string),
        label: destination
            .and_then(|d| str_field(d, &["description"]))
            .filter(|d| !d.is_empty())
            .map(str::to_string),
        stage,
    }
}

/// The report's fields where current Vapi puts them, else where older
/// payloads did (the top level of the message).
fn report(message: &Object) -> EventDetail {
    let empty = Map::new();
    let artifact = message
        .get("artifact")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let analysis = message
        .get("analysis")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let recording = artifact.get("recording").and_then(Value::as_object);
    let mono = recording
        .and_then(|r| r.get("mono"))
        .and_then(Value::as_object);
    let text = |obj: &Object, keys: &[&str]| str_field(obj, keys).map(str::to_string);
    let started_at = message.get("startedAt").and_then(timestamp::parse);
    let ended_at = message.get("endedAt").and_then(timestamp::parse);
    let duration_ms = num_field(message, &["durationMs"])
        .or_else(|| num_field(message, &["durationSeconds"]).map(|s| s * 1000.0))
        .map(|ms| ms.round() as i64)
        .or_else(|| Some(ended_at? - started_at?));
    EventDetail::Report {
        summary: text(analysis, &["summary"]).or_else(|| text(message, &["summary"])),
        transcript: text(artifact, &["transcript"]).or_else(|| text(message, &["transcript"])),
        recording_url: mono
            .and_then(|m| text(m, &["combinedUrl"]))
            .or_else(|| text(artifact, &["recordingUrl"]))
            .or_else(|| text(message, &["recordingUrl"])),
        stereo_recording_url: recording
            .and_then(|r| text(r, &["stereoUrl"]))
            .or_else(|| text(artifact, &["stereoRecordingUrl"]))
            .or_else(|| text(message, &["stereoRecordingUrl"])),
        duration_ms,
        ended_reason: text(message, &["endedReason"]),
        cost: num_field(message, &["cost"]),
        started_at,
        success: analysis.get("successEvaluation").and_then(|v| match v {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }),
        sentiment: None,
        turns: report_turns(artifact.get("messages").or_else(|| message.get("messages"))),
    }
}

mod signals;
#[cfg(test)]
mod tests;
