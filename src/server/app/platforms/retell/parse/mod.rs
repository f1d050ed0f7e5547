//! Retell's webhooks (`{"event": …, "call": {…}}`), normalized. Retell
//! sends the transcript whole — as it grows (`transcript_updated`), at the
//! end (`call_ended`) and again with the analysis (`call_analyzed`) — with
//! tool calls inside it: each turn is keyed by its role and first word's
//! time, each tool call by its id, so each is stored once. A turn's time is
//! the call's start plus its first word's offset.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::model::{EventDetail, ReportTurn, Role, TransferStage};
use crate::server::app::platforms::fields::{
    num_field, parse_arguments, parse_result, str_field, tool_error, UNNAMED_TOOL,
};
use crate::server::app::platforms::{valid_call_id, Item, ParseError, ParsedEvent};

type Object = Map<String, Value>;

pub fn parse(body: &Value) -> Result<Vec<Item>, ParseError> {
    let obj = body.as_object().ok_or(ParseError::NotAnObject)?;
    let name = str_field(obj, &["event"]).unwrap_or("");
    // `data` is the envelope's older name.
    let call = obj
        .get("call")
        .or_else(|| obj.get("data"))
        .and_then(Value::as_object)
        .ok_or(ParseError::Envelope("`call`", "Retell webhooks"))?;
    let call_id = valid_call_id(call.get("call_id"))?;
    let started = millis(call, "start_timestamp");
    let ended = millis(call, "end_timestamp");
    let event = |occurred_at: Option<i64>, detail: EventDetail| ParsedEvent {
        call_id: call_id.clone(),
        occurred_at,
        seconds_from_start: None,
        detail,
    };
    let mut items = match name {
        "call_ended" => {
            let mut items = transcript(&call_id, obj, call, started);
            let ended_by = str_field(call, &["disconnection_reason"]).map(str::to_string);
            items.push(Item::keyed(
                event(ended.or(started), EventDetail::End { ended_by }),
                "end",
            ));
            items
        }
        "call_analyzed" => {
            let mut items = transcript(&call_id, obj, call, started);
            if let Some(medians) = latency::medians(call) {
                items.push(Item::keyed(event(ended.or(started), medians), "latency"));
            }
            items.push(Item::keyed(
                event(ended.or(started), report(call, started, ended)),
                "report",
            ));
            items
        }
        "transcript_updated" => transcript(&call_id, obj, call, started),
        "call_started" => vec![Item::keyed(event(started, call_started(call)), "start")],
        "transfer_started" | "transfer_bridged" | "transfer_cancelled" | "transfer_ended" => {
            let stage = match name {
                "transfer_started" => TransferStage::Started,
                "transfer_bridged" => TransferStage::Connected,
                "transfer_cancelled" => TransferStage::Cancelled,
                _ => TransferStage::Ended,
            };
            let at = (stage == TransferStage::Ended)
                .then(|| millis(call, "transfer_end_timestamp"))
                .flatten();
            vec![Item::whole(event(at, transfer(obj, call, stage)))]
        }
        // A custom function's request carries no `event`: `{name, args, call}`.
        "" if obj.contains_key("name") => vec![Item::whole(event(
            None,
            EventDetail::ToolRequest {
                function: str_field(obj, &["name"]).unwrap_or(UNNAMED_TOOL).to_string(),
                arguments: parse_arguments(obj.get("args")),
            },
        ))],
        _ => Vec::new(),
    };
    if items.is_empty() {
        // A transcript with nothing in it yet says nothing; an event Retell
        // never documented is kept as it came.
        let detail = match name {
            "transcript_updated" => EventDetail::Signal {
                event_type: name.to_string(),
                text: "transcript updated".to_string(),
                chatter: true,
            },
            _ => EventDetail::Unknown {
                event_type: name.to_string(),
            },
        };
        items.push(Item::whole(event(None, detail)));
    }
    Ok(items)
}

/// `call_started`: who called whom, as far as the call says.
fn call_started(call: &Object) -> EventDetail {
    let field = |key: &str| str_field(call, &[key]).filter(|v| !v.is_empty());
    let text = match (field("direction"), field("from_number")) {
        (Some(direction), Some(from)) => format!("{direction} call started from {from}"),
        (Some(direction), None) => format!("{direction} call started"),
        _ => "call started".to_string(),
    };
    EventDetail::Signal {
        event_type: "call_started".to_string(),
        text,
        chatter: false,
    }
}

fn millis(call: &Object, key: &str) -> Option<i64> {
    num_field(call, &[key]).map(|ms| ms.round() as i64)
}

/// The transcript's turns and tool calls, in order, from inside the call
/// or beside it. A tool call carries no time of its own: it takes the end
/// of the turn before it.
fn transcript(call_id: &str, obj: &Object, call: &Object, started: Option<i64>) -> Vec<Item> {
    let entries: Vec<&Object> = ["transcript_with_tool_calls", "transcript_object"]
        .iter()
        .flat_map(|k| [call.get(*k), obj.get(*k)])
        .filter_map(|list| list.and_then(Value::as_array))
        .find(|a| !a.is_empty())
        .map(|a| a.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let asked: HashMap<&str, &Object> = entries
        .iter()
        .filter(|e| str_field(e, &["role"]) == Some("tool_call_invocation"))
        .filter_map(|e| Some((str_field(e, &["tool_call_id"])?, *e)))
        .collect();
    let mut items = Vec::new();
    // Seconds from the start of the call, as far as the transcript has gone.
    let mut reached: Option<f64> = None;
    for (i, e) in entries.iter().enumerate() {
        let role = str_field(e, &["role"]).unwrap_or("");
        let words = e.get("words").and_then(Value::as_array);
        let first = words
            .and_then(|w| w.first())
            .and_then(|w| w.get("start"))
            .and_then(Value::as_f64);
        let last = words
            .and_then(|w| w.last())
            .and_then(|w| w.get("end"))
            .and_then(Value::as_f64);
        let secs = first.or(reached);
        let event = |detail: EventDetail| ParsedEvent {
            call_id: call_id.to_string(),
            occurred_at: started
                .zip(secs)
                .map(|(s, o)| s + (o * 1000.0).round() as i64),
            seconds_from_start: secs,
            detail,
        };
        let id = str_field(e, &["tool_call_id"]).unwrap_or_default();
        // A tool entry without an id is keyed by its place in the
        // transcript (which only grows), so two never share a key.
        let tool_key = if id.is_empty() {
            format!("#{i}")
        } else {
            id.to_string()
        };
        let (key, detail) = match role {
            "tool_call_invocation" => {
                let (function, arguments) = invoked(e);
                let detail = EventDetail::ToolRequest {
                    function,
                    arguments,
                };
                (format!("tool:{tool_key}"), detail)
            }
            "tool_call_result" => {
                let (function, arguments) = asked
                    .get(id)
                    .map(|e| invoked(e))
                    .unwrap_or_else(|| (UNNAMED_TOOL.to_string(), Value::Null));
                let content = e.get("content").cloned().unwrap_or(Value::Null);
                let response = Some(parse_result(&content));
                let error = if e.get("successful") == Some(&Value::Bool(false)) {
                    Some(
                        str_field(e, &["content"])
                            .unwrap_or("the tool failed")
                            .to_string(),
                    )
                } else {
                    tool_error(None, response.as_ref())
                };
                let detail = EventDetail::ToolCall {
                    function,
                    arguments,
                    response,
                    error,
                };
                (format!("tool-result:{tool_key}"), detail)
            }
            "node_transition" => {
                let node = |key: &str| str_field(e, &[key]).unwrap_or("?");
                let detail = EventDetail::Signal {
                    event_type: "node_transition".to_string(),
                    text: format!(
                        "flow moved from {} to {}",
                        node("former_node_name"),
                        node("new_node_name")
                    ),
                    chatter: false,
                };
                (format!("node:{i}"), detail)
            }
            _ => {
                let text = str_field(e, &["content"])
                    .map(str::to_string)
                    .or_else(|| str_field(e, &["digit"]).map(|d| format!("Pressed {d}")));
                let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
                    continue;
                };
                let role = Role::from_wire(role);
                let when = first.map_or_else(|| format!("#{i}"), |s| format!("{s}"));
                let key = format!("turn:{}:{when}", role.css_class());
                (key, EventDetail::Message { role, text })
            }
        };
        items.push(Item {
            event: event(detail),
            key: Some(key),
            part: Some(Value::Object((*e).clone())),
        });
        reached = last.or(secs);
    }
    items
}

/// The function and arguments of `{role: "tool_call_invocation",
/// tool_call_id, name, arguments}`, the arguments a JSON string.
fn invoked(e: &Object) -> (String, Value) {
    (
        str_field(e, &["name"]).unwrap_or(UNNAMED_TOOL).to_string(),
        parse_arguments(e.get("arguments")),
    )
}

/// Where the transfer goes: beside the call or inside it (the docs do not
/// say which).
fn transfer(obj: &Object, call: &Object, stage: TransferStage) -> EventDetail {
    let field = |key: &str| obj.get(key).or_else(|| call.get(key));
    let option = field("transfer_option").and_then(Value::as_object);
    EventDetail::Transfer {
        transfer_type: option
            .and_then(|o| str_field(o, &["type"]))
            .map(|t| t.trim_end_matches("_transfer").replace('_', " ")),
        destination: field("transfer_destination").and_then(|d| match d {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => str_field(o, &["number", "sip_uri"]).map(str::to_string),
            _ => None,
        }),
        label: None,
        stage,
    }
}

/// `call_analyzed`: the call with its analysis. Retell's money is in cents.
fn report(call: &Object, started: Option<i64>, ended: Option<i64>) -> EventDetail {
    let empty = Map::new();
    let analysis = call
        .get("call_analysis")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let text = |obj: &Object, key: &str| str_field(obj, &[key]).map(str::to_string);
    let cost = call
        .get("call_cost")
        .and_then(Value::as_object)
        .and_then(|c| num_field(c, &["combined_cost"]))
        .map(|cents| cents / 100.0);
    EventDetail::Report {
        summary: text(analysis, "call_summary"),
        transcript: text(call, "transcript"),
        recording_url: text(call, "recording_url"),
        stereo_recording_url: text(call, "recording_multi_channel_url"),
        duration_ms: millis(call, "duration_ms").or_else(|| Some(ended? - started?)),
        ended_reason: text(call, "disconnection_reason"),
        cost,
        started_at: started,
        success: analysis.get("call_successful").and_then(|v| match v {
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }),
        sentiment: text(analysis, "user_sentiment"),
        turns: spoken_turns(call.get("transcript_object")),
    }
}

/// Each utterance of Retell's `transcript_object`, timed by its words
/// (`start` / `end` in seconds from the call's start).
fn spoken_turns(transcript: Option<&Value>) -> Vec<ReportTurn> {
    let Some(utterances) = transcript.and_then(Value::as_array) else {
        return Vec::new();
    };
    let seconds = |word: Option<&Value>, key: &str| {
        word.and_then(Value::as_object)
            .and_then(|w| num_field(w, &[key]))
    };
    utterances
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|u| {
            let role = Role::from_wire(str_field(u, &["role"])?);
            let words = u.get("words").and_then(Value::as_array)?;
            let start = seconds(words.first(), "start")?;
            let end = seconds(words.last(), "end");
            Some(ReportTurn {
                role,
                start_ms: (start * 1000.0).round() as i64,
                duration_ms: end.map(|e| ((e - start).max(0.0) * 1000.0).round() as i64),
            })
        })
        .collect()
}

mod latency;

#[cfg(test)]
mod tests;
