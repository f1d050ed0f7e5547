//! Which rules an event matches, and the one-line reason each gives. Pure:
//! counts that need the database come in as [`Facts`].

use serde_json::Value;

use super::condition::Compiled;
use crate::model::{format, EventDetail, RuleSpec, TimelineItem, TransferStage};

/// What the call had seen by this event, for the counting rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// Hang notifications in the call up to and including this event.
    pub hangs: i64,
    /// Calls of this event's function in the call, this one included.
    pub same_function: i64,
}

/// What the counting rules need from the database for this event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    pub hangs: bool,
    pub same_function: bool,
}

impl Needs {
    pub fn of(specs: &[&RuleSpec], detail: &EventDetail) -> Needs {
        Needs {
            hangs: matches!(detail, EventDetail::Hang { .. })
                && specs
                    .iter()
                    .any(|s| matches!(s, RuleSpec::Hang { count, .. } if *count > 1)),
            same_function: matches!(detail, EventDetail::ToolCall { .. })
                && specs.iter().any(|s| matches!(s, RuleSpec::ToolLoop { .. })),
        }
    }
}

/// Why `spec` matches `item`, or `None`. `condition` is the compiled
/// condition of a `match` rule. Timed rules never match an event.
pub fn on_event(
    spec: &RuleSpec,
    condition: Option<&Compiled>,
    item: &TimelineItem,
    body: &Value,
    facts: Facts,
) -> Option<String> {
    match (spec, &item.detail) {
        (
            RuleSpec::ToolError {},
            EventDetail::ToolCall {
                function, error, ..
            },
        ) => error
            .as_ref()
            .map(|e| format!("Tool {function} failed: {}", clip(e))),
        (
            RuleSpec::Hang {
                count,
                stall_seconds,
            },
            EventDetail::Hang {
                after_seconds,
                message,
            },
        ) => {
            let long_enough = match (stall_seconds, after_seconds) {
                (Some(min), Some(after)) => after >= min,
                (Some(_), None) => false,
                (None, _) => true,
            };
            let enough = *count <= 1 || facts.hangs >= i64::from(*count);
            (long_enough && enough).then(|| {
                let silent = after_seconds
                    .map(|s| format!("Agent silent {s} s"))
                    .unwrap_or_else(|| "Agent hang".into());
                let mut reason = match message {
                    Some(m) if !m.is_empty() => format!("{silent}: {}", clip(m)),
                    _ => silent,
                };
                if *count > 1 {
                    reason.push_str(&format!(" ({} hangs in this call)", facts.hangs));
                }
                reason
            })
        }
        (RuleSpec::EndedAbnormally { normal }, EventDetail::End { ended_by }) => ended_by
            .as_deref()
            .filter(|by| !is_normal(normal, by))
            .map(|by| format!("Call ended by {}", clip(by))),
        (RuleSpec::EndedAbnormally { normal }, EventDetail::Report { ended_reason, .. }) => {
            ended_reason
                .as_deref()
                .filter(|reason| !is_normal(normal, reason))
                .map(|reason| format!("Call ended: {}", clip(reason)))
        }
        (
            RuleSpec::Transfer {},
            EventDetail::Transfer {
                transfer_type,
                destination,
                label,
                stage,
            },
        ) if stage.handed_over() || *stage == TransferStage::Started => {
            let to = label.as_deref().or(destination.as_deref()).unwrap_or("?");
            let verb = if stage.handed_over() {
                "Transferred"
            } else {
                "Transferring"
            };
            Some(match transfer_type {
                Some(t) => format!("{verb} ({t}) to {to}"),
                None => format!("{verb} to {to}"),
            })
        }
        (RuleSpec::ToolLoop { count }, EventDetail::ToolCall { function, .. }) => {
            (facts.same_function >= i64::from(*count)).then(|| {
                format!(
                    "{function} called {} times in this call",
                    facts.same_function
                )
            })
        }
        (RuleSpec::Match { event, .. }, detail) => {
            let type_ok = event
                .as_deref()
                .is_none_or(|t| t.is_empty() || t == detail.event_type());
            let holds = condition.is_some_and(|c| c.holds(item, body));
            (type_ok && holds)
                .then(|| format!("{} matched: {}", detail.event_type(), spec.describe()))
        }
        _ => None,
    }
}

fn is_normal(normal: &[String], value: &str) -> bool {
    normal.iter().any(|n| n.eq_ignore_ascii_case(value.trim()))
}

/// A reason stays one short line.
fn clip(s: &str) -> String {
    format::one_line(s, 200)
}

#[cfg(test)]
mod tests;
