//! Conditions on one event, as `match` rules and forwarding filters use
//! them: a field of the event's JSON body (a dotted path) or its text,
//! compared by equality, containment, a regular expression, or presence.

use regex::Regex;
use serde_json::Value;

use crate::model::{Condition, EventDetail, MatchOp, TimelineItem};

/// A condition ready to test events with (its regex compiled once).
#[derive(Clone, Debug)]
pub struct Compiled {
    field: Option<String>,
    op: MatchOp,
    value: String,
    regex: Option<Regex>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the pattern {pattern:?} is not a valid regular expression: {reason}")]
pub struct BadPattern {
    pub pattern: String,
    pub reason: String,
}

impl Compiled {
    pub fn new(condition: &Condition) -> Result<Self, BadPattern> {
        let regex = match condition.op {
            MatchOp::Regex => Some(Regex::new(&condition.value).map_err(|e| BadPattern {
                pattern: condition.value.clone(),
                reason: e.to_string(),
            })?),
            _ => None,
        };
        Ok(Compiled {
            field: condition.field.clone().filter(|f| !f.trim().is_empty()),
            op: condition.op,
            value: condition.value.clone(),
            regex,
        })
    }

    /// Whether testing an event needs its JSON body parsed (a field is named).
    pub fn needs_body(&self) -> bool {
        self.field.is_some()
    }

    /// Whether `item` (with its body parsed as `body`) meets the condition.
    pub fn holds(&self, item: &TimelineItem, body: &Value) -> bool {
        let value = match &self.field {
            Some(path) => lookup(body, path).map(as_text),
            None => Some(text_of(&item.detail, &item.raw)),
        };
        let Some(value) = value else {
            return false;
        };
        match self.op {
            MatchOp::Exists => true,
            MatchOp::Equals => value == self.value,
            MatchOp::Contains => value.to_lowercase().contains(&self.value.to_lowercase()),
            MatchOp::Regex => self.regex.as_ref().is_some_and(|r| r.is_match(&value)),
        }
    }
}

/// The value at a dotted path (`metadata.arguments.city`, `messages.0.role`).
pub fn lookup<'a>(body: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(body, |v, key| match v {
        Value::Object(map) => map.get(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The words of an event a person would search: what was said, the tool
/// call with its arguments and response, and so on.
pub fn text_of(detail: &EventDetail, raw: &str) -> String {
    match detail {
        EventDetail::Message { text, .. } | EventDetail::Interruption { text, .. } => text.clone(),
        EventDetail::ToolCall {
            function,
            arguments,
            response,
            error,
        } => {
            let mut s = format!("{function} {arguments}");
            if let Some(r) = response {
                s.push_str(&format!(" {r}"));
            }
            if let Some(e) = error {
                s.push_str(&format!(" {e}"));
            }
            s
        }
        EventDetail::ToolRequest {
            function,
            arguments,
        } => format!("{function} {arguments}"),
        EventDetail::Hang { message, .. } => message.clone().unwrap_or_default(),
        EventDetail::Transfer {
            destination, label, ..
        } => [destination.as_deref(), label.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
        EventDetail::End { ended_by } => ended_by.clone().unwrap_or_default(),
        EventDetail::Report {
            summary,
            transcript,
            ended_reason,
            ..
        } => [
            summary.as_deref(),
            transcript.as_deref(),
            ended_reason.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n"),
        EventDetail::Signal { text, .. } => text.clone(),
        EventDetail::Latency { .. } => String::new(),
        EventDetail::Unknown { .. } => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tool_call() -> (TimelineItem, Value) {
        let body = json!({"type": "tool-call", "call_id": "c1",
            "metadata": {"functionName": "refund", "arguments": {"amount": 120}}});
        let item = TimelineItem {
            id: 1,
            call_id: "c1".into(),
            occurred_at: 0,
            seconds_from_start: None,
            received_at: 0,
            detail: EventDetail::ToolCall {
                function: "refund".into(),
                arguments: json!({"amount": 120}),
                response: None,
                error: None,
            },
            raw: body.to_string(),
            clipped: false,
        };
        (item, body)
    }

    fn condition(field: Option<&str>, op: MatchOp, value: &str) -> Compiled {
        Compiled::new(&Condition {
            field: field.map(String::from),
            op,
            value: value.into(),
        })
        .unwrap()
    }

    #[test]
    fn fields_are_found_by_dotted_path() {
        let (item, body) = tool_call();
        assert!(
            condition(Some("metadata.functionName"), MatchOp::Equals, "refund").holds(&item, &body)
        );
        assert!(
            !condition(Some("metadata.functionName"), MatchOp::Equals, "refun").holds(&item, &body)
        );
        assert!(
            condition(Some("metadata.arguments.amount"), MatchOp::Equals, "120")
                .holds(&item, &body)
        );
        assert!(condition(Some("metadata.arguments"), MatchOp::Exists, "").holds(&item, &body));
        assert!(!condition(Some("metadata.nope"), MatchOp::Exists, "").holds(&item, &body));
    }

    #[test]
    fn text_matches_ignore_case_and_regexes_compile_once() {
        let (item, body) = tool_call();
        assert!(condition(None, MatchOp::Contains, "REFUND").holds(&item, &body));
        assert!(condition(None, MatchOp::Regex, r#""amount":\d{3}"#).holds(&item, &body));
        assert!(!condition(None, MatchOp::Regex, r"^\d+$").holds(&item, &body));
        let bad = Compiled::new(&Condition {
            field: None,
            op: MatchOp::Regex,
            value: "(".into(),
        });
        assert!(bad.is_err());
    }
}
