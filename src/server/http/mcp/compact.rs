//! What the MCP tools answer with: short text a model reads well, each
//! answer bounded in size, with a cursor to ask for more instead of a
//! flood. One line per call or event; an event line starts with its id,
//! which `get_event` takes.

use crate::model::call_text::{clock, describe, heading};
use crate::model::insights::InsightsPage;
use crate::model::{format, AlertView};
use crate::server::http::api::types::{Call, CallList, CallTimeline, Event};

/// The most text one answer holds (bytes), under the 32 KB a model's
/// context is promised; what does not fit waits behind a cursor.
pub const BUDGET: usize = 24_000;
/// The longest one event's line may be; `get_event` has the rest.
const LINE_CHARS: usize = 600;

/// Text that grows up to [`BUDGET`].
pub struct Bounded {
    text: String,
}

impl Bounded {
    pub fn new() -> Self {
        Bounded {
            text: String::new(),
        }
    }

    /// Adds `line` if it fits; false when it does not (nothing is added).
    pub fn push(&mut self, line: &str) -> bool {
        if self.text.len() + line.len() + 1 > BUDGET {
            return false;
        }
        self.text.push_str(line);
        self.text.push('\n');
        true
    }

    /// Adds as much of `text` as fits, cut at a character boundary and
    /// followed by `note` when cut; true when it went in whole.
    pub fn push_cut(&mut self, text: &str, note: &str) -> bool {
        if self.push(text) {
            return true;
        }
        let room = BUDGET.saturating_sub(self.text.len() + note.len() + 2);
        let mut end = room.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        self.text.push_str(&text[..end]);
        self.text.push('\n');
        self.text.push_str(note);
        self.text.push('\n');
        false
    }

    /// Adds `line` whatever the budget (a closing note: the cursor).
    pub fn close(mut self, line: &str) -> String {
        self.text.push_str(line);
        self.text
    }

    pub fn into_text(self) -> String {
        self.text
    }
}

/// A call in one line.
pub fn call_line(call: &Call) -> String {
    let c = &call.summary;
    let started = chrono::DateTime::from_timestamp_millis(c.started_at)
        .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M").to_string());
    let length = c
        .duration_ms
        .or(c.ended_at.map(|end| end - c.started_at))
        .map_or_else(|| "live".to_string(), format::duration);
    let mut said = vec![format!(
        "{} | {} | {} | {started} | {length}",
        c.call_id,
        c.source,
        c.status.as_str()
    )];
    if let Some(agent) = &c.agent {
        said.push(format!("agent {agent}"));
    }
    if let Some(reason) = &c.end_reason {
        said.push(format!("end {reason}"));
    }
    if c.n_tool_errors > 0 {
        said.push(format!("{} tool errors", c.n_tool_errors));
    }
    if c.n_hangs > 0 {
        said.push(format!("{} hangs", c.n_hangs));
    }
    if c.n_interruptions > 0 {
        said.push(format!("{} interruptions", c.n_interruptions));
    }
    if let Some(p50) = call
        .metrics
        .as_ref()
        .and_then(|m| m.latency.value)
        .map(|l| l.p50_ms)
    {
        said.push(format!("latency p50 {p50} ms"));
    }
    if let Some(first) = &c.first_user_text {
        said.push(format!("caller first said: {}", cut(first, 120)));
    }
    said.join(" | ")
}

/// The calls a search found, and how to ask for more.
pub fn calls(list: &CallList) -> String {
    let mut out = Bounded::new();
    if list.calls.is_empty() {
        return out.close("No call matches.");
    }
    out.push("call | source | status | started (UTC) | length | …");
    let mut shown = 0;
    for call in &list.calls {
        if !out.push(&call_line(call)) {
            break;
        }
        shown += 1;
    }
    match (&list.next_cursor, shown < list.calls.len()) {
        (_, true) => out.close(&format!(
            "({} more on this page did not fit: ask again with a smaller limit)",
            list.calls.len() - shown
        )),
        (Some(cursor), false) => out.close(&format!(
            "more: call search_calls again with cursor=\"{cursor}\""
        )),
        (None, false) => out.close("(that is all)"),
    }
}

/// An event in one line: `[id] mm:ss.s what happened`.
pub fn event_line(started_at: i64, event: &Event) -> Option<String> {
    let (_, text) = describe(&event.detail)?;
    let offset = match event.seconds_from_start {
        Some(s) => (s * 1000.0).round() as i64,
        None => event.occurred_at - started_at,
    };
    Some(format!(
        "[{}] {} {}",
        event.id,
        clock(offset),
        cut(&text, LINE_CHARS)
    ))
}

/// A call's heading and as many of its events as fit; the cursor of the
/// first event left out, when one is.
pub fn timeline(page: &CallTimeline, first: bool) -> (String, Option<usize>) {
    let mut out = Bounded::new();
    if first {
        for line in heading(&page.call.summary, page.call.metrics.as_ref()) {
            out.push(&line);
        }
        out.push("");
        out.push("events ([id] for get_event, time from the call's start):");
    }
    let started_at = page.call.summary.started_at;
    for (i, event) in page.events.iter().enumerate() {
        let Some(line) = event_line(started_at, event) else {
            continue;
        };
        if !out.push(&line) {
            return (out.into_text(), Some(i));
        }
    }
    (out.into_text(), None)
}

/// The alerts, one a line.
pub fn alerts(alerts: &[AlertView], more: Option<&str>) -> String {
    let mut out = Bounded::new();
    if alerts.is_empty() {
        return out.close("No alert in that state.");
    }
    for a in alerts {
        let call = a
            .call_id
            .as_deref()
            .map_or_else(String::new, |c| format!(" | call {c}"));
        let line = format!(
            "alert {} | {} | {} | ×{} | {}{call}",
            a.id,
            a.state.as_str(),
            a.rule_name,
            a.count,
            cut(&a.reason, 300)
        );
        if !out.push(&line) {
            return out.close("(more alerts did not fit: narrow the state)");
        }
    }
    match more {
        Some(cursor) => out.close(&format!(
            "more: call list_alerts again with cursor=\"{cursor}\""
        )),
        None => out.into_text(),
    }
}

/// Insights in words: totals, how calls ended, tools by failures, latency parts.
pub fn metrics(page: &InsightsPage) -> String {
    let mut out = Bounded::new();
    let sum =
        |f: fn(&crate::model::insights::Bucket) -> i64| page.buckets.iter().map(f).sum::<i64>();
    out.push(&format!("{} calls selected", page.total));
    out.push(&format!(
        "in the time drawn: {} calls, {} ended, {} transferred, {} live, {} hangs, {} interruptions",
        sum(|b| b.calls),
        sum(|b| b.ended),
        sum(|b| b.transferred),
        sum(|b| b.live),
        sum(|b| b.hangs),
        sum(|b| b.interruptions)
    ));
    if !page.latency_parts.is_empty() {
        out.push("latency (calls' medians): part | calls | p50 ms | p95 ms");
        for p in &page.latency_parts {
            let name = p.part.map_or("heard silence", |part| part.label());
            out.push(&format!(
                "{name} | {} | {} | {}",
                p.calls, p.p50_ms, p.p95_ms
            ));
        }
    }
    if !page.tools.is_empty() {
        out.push("tools: function | calls | errors | error rate");
        let mut tools = page.tools.clone();
        tools.sort_by(|a, b| b.errors.cmp(&a.errors).then(b.calls.cmp(&a.calls)));
        for t in &tools {
            if !out.push(&format!(
                "{} | {} | {} | {:.0} %",
                t.function,
                t.calls,
                t.errors,
                t.rate() * 100.0
            )) {
                break;
            }
        }
    }
    out.into_text()
}

/// At most `chars` characters of `text`, with `…` when cut.
fn cut(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_answer_stays_within_the_budget_at_a_character() {
        let mut out = Bounded::new();
        out.push("head");
        let long = "é".repeat(BUDGET);
        assert!(!out.push_cut(&long, "… (cut)"));
        let text = out.into_text();
        assert!(text.len() <= BUDGET, "{}", text.len());
        assert!(text.ends_with("… (cut)\n"));
    }
}
