//! `post_call_transcription`: the whole call after it ended — its turns,
//! tool calls with their results, the agent's interrupted answers, the end
//! and the report (analysis, cost in credits).

use std::collections::HashMap;

use serde_json::Value;

use super::Object;
use crate::model::latency::{secs_to_ms, LatencyPart, PartMs};
use crate::model::{EventDetail, ReportTurn, Role};
use crate::server::app::platforms::fields::{
    num_field, parse_arguments, parse_result, str_field, UNNAMED_TOOL,
};
use crate::server::app::platforms::{Item, ParsedEvent};

pub(super) fn items(call_id: &str, data: &Object) -> Vec<Item> {
    let empty = Object::new();
    let metadata = object(data, "metadata").unwrap_or(&empty);
    let started = num_field(metadata, &["start_time_unix_secs"]).map(|s| (s * 1000.0) as i64);
    let duration_ms = num_field(metadata, &["call_duration_secs"]).map(|s| (s * 1000.0) as i64);
    let rows: Vec<&Object> = data
        .get("transcript")
        .and_then(Value::as_array)
        .map(|rows| rows.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default();
    let results: HashMap<&str, &Object> = rows
        .iter()
        .flat_map(|row| list(row, "tool_results"))
        .filter_map(|r| Some((str_field(r, &["request_id"])?, r)))
        .collect();
    let at = |secs: Option<f64>| started.zip(secs).map(|(s, o)| s.saturating_add((o * 1000.0) as i64));
    let item = |secs: Option<f64>, key: String, detail: EventDetail, part: Option<&Object>| Item {
        event: ParsedEvent {
            call_id: call_id.to_string(),
            occurred_at: at(secs),
            seconds_from_start: secs,
            detail,
        },
        key: Some(key),
        part: part.map(|p| Value::Object(p.clone())),
    };
    let mut items = Vec::new();
    if let Some(text) = started_line(metadata) {
        items.push(item(Some(0.0), "start".into(), text, None));
    }
    for (i, row) in rows.iter().enumerate() {
        let secs = num_field(row, &["time_in_call_secs"]);
        let role = Role::from_wire(str_field(row, &["role"]).unwrap_or("agent"));
        let text = str_field(row, &["message"]).filter(|t| !t.trim().is_empty());
        if let Some(text) = text {
            let detail = EventDetail::Message {
                role: role.clone(),
                text: text.to_string(),
            };
            items.push(item(secs, format!("turn:{i}"), detail, Some(row)));
        }
        for call in list(row, "tool_calls") {
            let id = str_field(call, &["request_id"]).unwrap_or_default();
            let key = if id.is_empty() { format!("tool:#{i}") } else { format!("tool:{id}") };
            items.push(item(secs, key, tool(call, results.get(id).copied()), Some(call)));
        }
        if let Some(detail) = latency(row, i) {
            items.push(item(secs, format!("latency:{i}"), detail, None));
        }
        let interrupted = row.get("interrupted") == Some(&Value::Bool(true));
        if let (true, Some(text)) = (interrupted, text) {
            // Cut when the next row begins: the caller's words.
            let cut = rows[i + 1..]
                .iter()
                .find_map(|r| num_field(r, &["time_in_call_secs"]))
                .or(secs);
            let detail = EventDetail::Interruption {
                text: text.to_string(),
                at_seconds: cut,
                who: Some(role),
            };
            items.push(item(cut, format!("cut:{i}"), detail, Some(row)));
        }
    }
    let ended_secs = duration_ms.map(|d| d as f64 / 1000.0);
    let reason = str_field(metadata, &["termination_reason"])
        .filter(|r| !r.trim().is_empty())
        .map(str::to_string);
    let end = EventDetail::End {
        ended_by: reason.clone(),
    };
    items.push(item(ended_secs, "end".into(), end, None));
    items.push(item(ended_secs, "report".into(), report(data, metadata, &rows, started, duration_ms, reason), None));
    items
}

/// A row's `conversation_turn_metrics`: the LLM's and the voice's time to
/// their first byte. ElevenLabs' docs print the metrics flat; its SDKs
/// nest them under `metrics`: both are read. It reports no whole silence.
fn latency(row: &Object, i: usize) -> Option<EventDetail> {
    let metrics = object(row, "conversation_turn_metrics")?;
    let metrics = object(metrics, "metrics").unwrap_or(metrics);
    let elapsed = |name: &str| {
        object(metrics, name)
            .and_then(|m| num_field(m, &["elapsed_time"]))
            .and_then(secs_to_ms)
    };
    let parts: Vec<PartMs> = [
        (LatencyPart::Llm, elapsed("convai_llm_service_ttfb")),
        (LatencyPart::Tts, elapsed("convai_tts_service_ttfb")),
    ]
    .into_iter()
    .filter_map(|(part, ms)| Some(PartMs { part, ms: ms? }))
    .collect();
    (!parts.is_empty()).then(|| EventDetail::Latency {
        response: format!("row:{i}"),
        heard_ms: None,
        parts,
    })
}

/// Who called whom, when the call was a phone call.
fn started_line(metadata: &Object) -> Option<EventDetail> {
    let phone = object(metadata, "phone_call")?;
    let direction = str_field(phone, &["direction"]).unwrap_or("phone");
    let text = match str_field(phone, &["external_number"]) {
        Some(number) if direction == "outbound" => format!("outbound call to {number}"),
        Some(number) => format!("{direction} call from {number}"),
        None => format!("{direction} call"),
    };
    Some(EventDetail::Signal {
        event_type: "call_started".into(),
        text,
        chatter: false,
    })
}

/// A tool call with its result (matched by `request_id`), or a request
/// still waiting on one.
fn tool(call: &Object, result: Option<&Object>) -> EventDetail {
    let function = str_field(call, &["tool_name"]).unwrap_or(UNNAMED_TOOL).to_string();
    let arguments = parse_arguments(call.get("params_as_json"));
    let Some(result) = result else {
        return EventDetail::ToolRequest {
            function,
            arguments,
        };
    };
    let response = result.get("result_value").map(parse_result);
    let failed = result.get("is_error") == Some(&Value::Bool(true));
    let error = failed.then(|| {
        str_field(result, &["raw_error_message", "error_type", "result_value"])
            .filter(|e| !e.is_empty())
            .unwrap_or("the tool failed")
            .to_string()
    });
    EventDetail::ToolCall {
        function,
        arguments,
        response,
        error,
    }
}

/// The call as ElevenLabs judged it: summary, success, cost (in credits),
/// each row's start.
fn report(
    data: &Object,
    metadata: &Object,
    rows: &[&Object],
    started: Option<i64>,
    duration_ms: Option<i64>,
    reason: Option<String>,
) -> EventDetail {
    let empty = Object::new();
    let analysis = object(data, "analysis").unwrap_or(&empty);
    let turns = rows
        .iter()
        .filter(|r| str_field(r, &["message"]).is_some_and(|m| !m.trim().is_empty()))
        .filter_map(|r| {
            Some(ReportTurn {
                role: Role::from_wire(str_field(r, &["role"])?),
                start_ms: (num_field(r, &["time_in_call_secs"])? * 1000.0) as i64,
                duration_ms: None,
            })
        })
        .collect();
    EventDetail::Report {
        summary: str_field(analysis, &["transcript_summary"]).map(str::to_string),
        transcript: None,
        recording_url: None,
        stereo_recording_url: None,
        duration_ms,
        ended_reason: reason,
        cost: num_field(metadata, &["cost"]),
        started_at: started,
        success: str_field(analysis, &["call_successful"]).map(str::to_string),
        sentiment: None,
        turns,
    }
}

fn object<'a>(obj: &'a Object, key: &str) -> Option<&'a Object> {
    obj.get(key).and_then(Value::as_object)
}

fn list<'a>(obj: &'a Object, key: &str) -> impl Iterator<Item = &'a Object> {
    obj.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}
