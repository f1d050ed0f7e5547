//! A call told in lines of text: what `calltrail call` and `tail` print in
//! a terminal and what the MCP server gives a coding agent — turns, tool
//! calls with their arguments and results, errors, interruptions at the
//! cut, latency in parts, transfers and the end.

use super::endings::describe as ending_words;
use super::metrics::CallMetrics;
use super::{format, tool_line, CallSummary, EventDetail, Role};

/// How a line reads: a terminal colours it by this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Agent,
    Caller,
    Tool,
    Error,
    Interruption,
    Latency,
    /// Transfers, hangs, the end, the report.
    Mark,
    /// What the platform says about the call.
    System,
}

/// One event in a line; `None` for what repeats the turns (chatter).
pub fn describe(detail: &EventDetail) -> Option<(Tone, String)> {
    Some(match detail {
        EventDetail::Message { role, text } => match role {
            Role::Agent => (Tone::Agent, format!("agent: {text}")),
            Role::User => (Tone::Caller, format!("caller: {text}")),
            Role::System => (Tone::System, format!("system: {text}")),
            Role::Other(who) => (Tone::System, format!("{who}: {text}")),
        },
        EventDetail::ToolCall {
            function,
            arguments,
            response,
            error,
        } => {
            let call = tool_line::call(function, arguments);
            match (error, response) {
                (Some(error), _) => (Tone::Error, format!("tool {call} failed: {error}")),
                (None, Some(response)) => (
                    Tone::Tool,
                    format!("tool {call} → {}", tool_line::result(response)),
                ),
                (None, None) => (Tone::Tool, format!("tool {call} → (no result)")),
            }
        }
        EventDetail::ToolRequest {
            function,
            arguments,
        } => (
            Tone::Tool,
            format!("tool {} requested", tool_line::call(function, arguments)),
        ),
        EventDetail::Interruption {
            text,
            at_seconds,
            who,
        } => {
            let who = match who {
                Some(Role::Agent) => "agent",
                Some(Role::User) => "caller",
                _ => "speaker",
            };
            let at = at_seconds.map_or_else(String::new, |s| format!(" at {s:.1} s"));
            (
                Tone::Interruption,
                format!("interrupted{at}: {who} cut off after \"{text}\""),
            )
        }
        EventDetail::Hang {
            after_seconds,
            message,
        } => {
            let after = after_seconds.map_or_else(String::new, |s| format!(" for {s:.1} s"));
            let said = message
                .as_deref()
                .map_or_else(String::new, |m| format!(": {m}"));
            (
                Tone::Error,
                format!("hang: the agent said nothing{after}{said}"),
            )
        }
        EventDetail::Transfer {
            destination,
            label,
            stage,
            ..
        } => {
            let to = label
                .as_deref()
                .or(destination.as_deref())
                .unwrap_or("elsewhere");
            let stage = match stage.headline() {
                "" => String::new(),
                said => format!(" ({said})"),
            };
            (Tone::Mark, format!("transfer to {to}{stage}"))
        }
        EventDetail::End { ended_by } => (
            Tone::Mark,
            format!("end (by {})", ended_by.as_deref().unwrap_or("unknown")),
        ),
        EventDetail::Report {
            ended_reason,
            summary,
            ..
        } => {
            let reason = ended_reason
                .as_deref()
                .map_or_else(|| "no end reason".to_string(), ending_words);
            let summary = summary
                .as_deref()
                .map_or_else(String::new, |s| format!(" — {s}"));
            (Tone::Mark, format!("report: {reason}{summary}"))
        }
        EventDetail::Signal { chatter: true, .. } => return None,
        EventDetail::Signal {
            event_type, text, ..
        } => (Tone::System, format!("{event_type}: {text}")),
        EventDetail::Latency {
            response,
            heard_ms,
            parts,
        } => {
            let heard =
                heard_ms.map_or_else(|| "not reported".to_string(), |ms| format!("{ms} ms"));
            let parts: Vec<String> = parts
                .iter()
                .map(|p| format!("{} {} ms", p.part.label(), p.ms))
                .collect();
            let parts = if parts.is_empty() {
                String::new()
            } else {
                format!(" = {}", parts.join(" + "))
            };
            (
                Tone::Latency,
                format!("latency of {response}: heard {heard}{parts}"),
            )
        }
        EventDetail::Unknown { event_type } => {
            (Tone::System, format!("{event_type} (not understood)"))
        }
    })
}

/// What a call was, in a few lines: who, when, how long, how it ended,
/// what went wrong, and its voice metrics when measured.
pub fn heading(call: &CallSummary, metrics: Option<&CallMetrics>) -> Vec<String> {
    let mut lines = vec![format!(
        "call {} ({}, {})",
        call.call_id,
        call.source,
        call.status.as_str()
    )];
    let started = chrono::DateTime::from_timestamp_millis(call.started_at)
        .map_or_else(String::new, |t| {
            t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
        });
    let length = call
        .duration_ms
        .or(call.ended_at.map(|end| end - call.started_at))
        .map_or_else(|| "still going".to_string(), format::duration);
    lines.push(format!("started {started}, {length}"));
    if call.caller.is_some() || call.agent.is_some() {
        lines.push(format!(
            "caller {} · agent {}",
            call.caller.as_deref().unwrap_or("unknown"),
            call.agent.as_deref().unwrap_or("unknown")
        ));
    }
    if let Some(reason) = &call.end_reason {
        let by = call
            .ended_by
            .as_deref()
            .map_or_else(String::new, |b| format!(" (by {b})"));
        lines.push(format!("ended: {}{by}", ending_words(reason)));
    }
    lines.push(format!(
        "{} events, {} turns, {} tool calls ({} failed), {} hangs, {} interruptions, {} transfers",
        call.n_events,
        call.n_messages,
        call.n_tool_calls,
        call.n_tool_errors,
        call.n_hangs,
        call.n_interruptions,
        call.n_transfers
    ));
    if let Some(m) = metrics {
        let mut said = Vec::new();
        if let Some(l) = &m.latency.value {
            said.push(format!(
                "latency p50 {} ms, max {} ms over {} answers",
                l.p50_ms, l.max_ms, l.answers
            ));
        }
        if let Some(stall) = m.stall_ms.value {
            said.push(format!("{} silent", format::duration(stall)));
        }
        if !m.latency_parts.is_empty() {
            let parts: Vec<String> = m
                .latency_parts
                .iter()
                .map(|p| format!("{} {} ms", p.part.label(), p.ms))
                .collect();
            said.push(format!("median parts: {}", parts.join(", ")));
        }
        if !said.is_empty() {
            lines.push(said.join("; "));
        }
    }
    lines
}

/// An offset from the call's start as `mm:ss.s` (`h:mm:ss` past an hour).
pub fn clock(offset_ms: i64) -> String {
    let ms = offset_ms.max(0);
    let tenths = (ms % 1000) / 100;
    let secs = ms / 1000;
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}.{tenths}")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::latency::{LatencyPart, PartMs};

    #[test]
    fn each_kind_reads_in_a_line() {
        let failed = EventDetail::ToolCall {
            function: "book".into(),
            arguments: json!({"day": "mon"}),
            response: None,
            error: Some("no slots".into()),
        };
        assert_eq!(
            describe(&failed),
            Some((
                Tone::Error,
                "tool book(day: \"mon\") failed: no slots".into()
            ))
        );
        let latency = EventDetail::Latency {
            response: "r1".into(),
            heard_ms: Some(900),
            parts: vec![
                PartMs {
                    part: LatencyPart::Llm,
                    ms: 400,
                },
                PartMs {
                    part: LatencyPart::Tts,
                    ms: 300,
                },
            ],
        };
        assert_eq!(
            describe(&latency).unwrap().1,
            "latency of r1: heard 900 ms = LLM first token 400 ms + voice first byte 300 ms"
        );
        let chatter = EventDetail::Signal {
            event_type: "speech-update".into(),
            text: "started".into(),
            chatter: true,
        };
        assert_eq!(describe(&chatter), None);
        assert_eq!(clock(61_250), "01:01.2");
        assert_eq!(clock(3_723_000), "1:02:03");
    }
}
