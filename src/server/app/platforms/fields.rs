//! Reading loosely typed webhook JSON: a field under any of its names, a
//! number that may come as a string, tool arguments that may be a JSON
//! string, and whether a tool's answer reads as a failure. Shared by every
//! platform's parser.

use serde_json::{Map, Value};

use crate::model::{ReportTurn, Role};

/// The name a tool call goes by when the platform sent none.
pub const UNNAMED_TOOL: &str = "(unnamed tool)";

/// The first of `keys` that holds a string.
pub fn str_field<'a>(obj: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| obj.get(*k).and_then(Value::as_str))
}

/// The first of `keys` that holds a number (or a string that reads as one).
pub fn num_field(obj: &Map<String, Value>, keys: &[&str]) -> Option<f64> {
    keys.iter().find_map(|k| match obj.get(*k)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// Tool arguments: an object as sent, or the JSON a string holds (kept as
/// the string when it is not JSON); `Null` when there are none.
pub fn parse_arguments(value: Option<&Value>) -> Value {
    match value {
        Some(Value::String(s)) => {
            serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone()))
        }
        Some(v) => v.clone(),
        None => Value::Null,
    }
}

/// A tool result: the JSON a string holds, else the value as sent.
pub fn parse_result(value: &Value) -> Value {
    match value {
        Value::String(s) => serde_json::from_str(s).unwrap_or_else(|_| value.clone()),
        v => v.clone(),
    }
}

/// The error text of a tool call: its `error` field, else its response
/// when that reads as a failure.
pub fn tool_error(error: Option<&Value>, response: Option<&Value>) -> Option<String> {
    error
        .and_then(error_text)
        .or_else(|| response.and_then(response_error))
}

/// The error text when a tool response reads as a failure.
fn response_error(response: &Value) -> Option<String> {
    let obj = response.as_object()?;
    if let Some(text) = ["error", "errors"]
        .iter()
        .find_map(|k| obj.get(*k).and_then(error_text))
    {
        return Some(text);
    }
    let failed = obj.get("success") == Some(&Value::Bool(false))
        || obj.get("ok") == Some(&Value::Bool(false))
        || obj.get("status").and_then(Value::as_str).is_some_and(|s| {
            matches!(
                s.to_ascii_lowercase().as_str(),
                "error" | "failed" | "failure"
            )
        });
    failed.then(|| {
        str_field(obj, &["message", "detail", "reason"])
            .unwrap_or("the tool reported a failure")
            .to_string()
    })
}

fn error_text(value: &Value) -> Option<String> {
    match value {
        Value::Null | Value::Bool(false) => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(a) if a.is_empty() => None,
        Value::Object(o) => Some(
            str_field(o, &["message", "detail"])
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string()),
        ),
        other => Some(other.to_string()),
    }
}

/// The turns an end-of-call report lists (`messages` of Infer, Vapi's
/// `artifact.messages`): each spoken turn's start (`secondsFromStart`) and
/// length (`duration`, else `endTime - time`). System prompts and entries
/// without a start are left out: they were not spoken.
pub fn report_turns(messages: Option<&Value>) -> Vec<ReportTurn> {
    let Some(messages) = messages.and_then(Value::as_array) else {
        return Vec::new();
    };
    messages
        .iter()
        .filter_map(Value::as_object)
        .filter_map(|m| {
            let role = Role::from_wire(str_field(m, &["role"])?);
            if !matches!(role, Role::Agent | Role::User) {
                return None;
            }
            let start = num_field(m, &["secondsFromStart"])?;
            let duration_ms = num_field(m, &["duration"])
                .or_else(|| Some(num_field(m, &["endTime"])? - num_field(m, &["time"])?));
            Some(ReportTurn {
                role,
                start_ms: (start * 1000.0).round() as i64,
                duration_ms: duration_ms.map(|d| d.max(0.0).round() as i64),
            })
        })
        .collect()
}
