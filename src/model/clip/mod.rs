//! What a page shows of an event: bounded, whatever was delivered. An event
//! may hold up to 1 MiB of JSON — sixty thousand tool arguments, a transcript
//! of a whole day, objects nested a hundred deep — and a call page shows up
//! to 200 of them, rendered as a tree and again in the hydration data. So
//! each item is cut to a byte budget (long texts end in "…", objects and
//! arrays beyond [`MAX_ENTRIES`] or the budget end in a count of the rest,
//! values deeper than [`MAX_DEPTH`] fold into one line of text), the page
//! as a whole gets [`PAGE_BYTES`], and an item that lost anything is marked
//! `clipped`, so the page links to its whole stored body instead.

use std::io;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::format::{pretty_raw, show_controls};
use super::{EventDetail, ReportTurn, Role, TimelineItem};

/// What one item may show, roughly in bytes of the page.
pub const ITEM_BYTES: usize = 16 * 1024;
/// What a whole page of items may show; once spent, each item still gets
/// [`MIN_ITEM_BYTES`].
pub const PAGE_BYTES: usize = 384 * 1024;
/// What an item shows when the page's budget is spent.
pub const MIN_ITEM_BYTES: usize = 1024;
/// Fields of an object, or items of an array, shown.
pub const MAX_ENTRIES: usize = 50;
/// Levels of JSON shown as a tree; deeper ones fold into text.
pub const MAX_DEPTH: usize = 12;
/// The key under which an object says how many fields were left out.
pub const MORE_KEY: &str = "…";

/// Characters of one JSON string, turn or report text shown.
const MAX_TEXT: usize = 4000;
/// Characters of a name, label, reason or address shown.
const MAX_NAME: usize = 500;
/// Characters of a folded deep value shown.
const FOLDED: usize = 160;
/// Characters always shown of a text, however spent the budget.
const MIN_TEXT: usize = 80;
/// Report turns kept (each a few bytes; the metrics read them).
const MAX_TURNS: usize = 2000;
/// What a node costs beyond its text: the markup around it.
const NODE_COST: usize = 48;

/// A page's items, each bounded, from `newest_first` (which may parse
/// each item as it is asked for: only one is then whole in memory at a
/// time); the newest are served first by the page's budget (a live call's
/// reader looks at the bottom). Returned in timeline order, oldest first.
pub fn page(newest_first: impl Iterator<Item = TimelineItem>) -> Vec<TimelineItem> {
    let mut left = PAGE_BYTES;
    let mut shown: Vec<TimelineItem> = newest_first
        .map(|item| {
            let mut budget = Budget::new(ITEM_BYTES.min(left).max(MIN_ITEM_BYTES));
            let item = budget.item(&item);
            left = left.saturating_sub(budget.spent());
            item
        })
        .collect();
    shown.reverse();
    shown
}

/// One item, bounded to [`ITEM_BYTES`] (a live update).
pub fn item(item: &TimelineItem) -> TimelineItem {
    Budget::new(ITEM_BYTES).item(item)
}

/// Characters of a stored body a page shows when asked for it.
pub const BODY_CHARS: usize = 64 * 1024;

/// An event's stored body as a page shows it when asked: pretty-printed,
/// cut at [`BODY_CHARS`] (the whole is a link away).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BodyView {
    pub text: String,
    /// Whether `text` is the whole body.
    pub whole: bool,
}

/// `raw` as a page shows it.
pub fn body(raw: &str) -> BodyView {
    let pretty = pretty_raw(raw);
    let end = char_floor(&pretty, BODY_CHARS);
    match end == pretty.len() {
        true => BodyView {
            text: pretty,
            whole: true,
        },
        false => BodyView {
            text: format!("{}…", &pretty[..end]),
            whole: false,
        },
    }
}

/// Bytes left to show, and whether anything was left out.
struct Budget {
    size: usize,
    left: usize,
    clipped: bool,
}

impl Budget {
    fn new(size: usize) -> Self {
        Budget {
            size,
            left: size,
            clipped: false,
        }
    }

    fn spent(&self) -> usize {
        self.size - self.left
    }

    fn spend(&mut self, cost: usize) {
        self.left = self.left.saturating_sub(cost);
    }

    /// The item without its body (a page fetches that on demand) and with
    /// its detail bounded.
    fn item(&mut self, item: &TimelineItem) -> TimelineItem {
        let detail = self.detail(&item.detail);
        TimelineItem {
            id: item.id,
            call_id: item.call_id.clone(),
            occurred_at: item.occurred_at,
            seconds_from_start: item.seconds_from_start,
            received_at: item.received_at,
            detail,
            raw: String::new(),
            clipped: item.clipped || self.clipped,
        }
    }

    fn detail(&mut self, detail: &EventDetail) -> EventDetail {
        use EventDetail::*;
        match detail {
            Message { role, text } => Message {
                role: self.role(role),
                text: self.text(text, MAX_TEXT),
            },
            ToolCall {
                function,
                arguments,
                response,
                error,
            } => ToolCall {
                function: self.text(function, MAX_NAME),
                arguments: self.value(arguments, 0),
                response: response.as_ref().map(|r| self.value(r, 0)),
                error: self.some_text(error, MAX_TEXT),
            },
            ToolRequest {
                function,
                arguments,
            } => ToolRequest {
                function: self.text(function, MAX_NAME),
                arguments: self.value(arguments, 0),
            },
            Interruption {
                text,
                at_seconds,
                who,
            } => Interruption {
                text: self.text(text, MAX_TEXT),
                at_seconds: *at_seconds,
                who: who.as_ref().map(|w| self.role(w)),
            },
            Hang {
                after_seconds,
                message,
            } => Hang {
                after_seconds: *after_seconds,
                message: self.some_text(message, MAX_TEXT),
            },
            Transfer {
                transfer_type,
                destination,
                label,
                stage,
            } => Transfer {
                transfer_type: self.some_text(transfer_type, MAX_NAME),
                destination: self.some_text(destination, MAX_NAME),
                label: self.some_text(label, MAX_NAME),
                stage: *stage,
            },
            End { ended_by } => End {
                ended_by: self.some_text(ended_by, MAX_NAME),
            },
            Report { .. } => self.report(detail),
            Signal {
                event_type,
                text,
                chatter,
            } => Signal {
                event_type: self.text(event_type, MAX_NAME),
                text: self.text(text, MAX_TEXT),
                chatter: *chatter,
            },
            Latency {
                response,
                heard_ms,
                parts,
            } => Latency {
                response: self.text(response, MAX_NAME),
                heard_ms: *heard_ms,
                parts: parts.clone(),
            },
            Unknown { event_type } => Unknown {
                event_type: self.text(event_type, MAX_NAME),
            },
        }
    }

    fn report(&mut self, report: &EventDetail) -> EventDetail {
        let EventDetail::Report {
            summary,
            transcript,
            recording_url,
            stereo_recording_url,
            duration_ms,
            ended_reason,
            cost,
            started_at,
            success,
            sentiment,
            turns,
        } = report
        else {
            unreachable!("report() is given reports only")
        };
        if turns.len() > MAX_TURNS {
            self.clipped = true;
        }
        let turns: Vec<ReportTurn> = turns.iter().take(MAX_TURNS).cloned().collect();
        self.spend(turns.len() * 24);
        EventDetail::Report {
            summary: self.some_text(summary, MAX_TEXT),
            transcript: self.some_text(transcript, MAX_TEXT),
            // A cut address would be a broken link: kept whole, or left out.
            recording_url: self.link(recording_url),
            stereo_recording_url: self.link(stereo_recording_url),
            duration_ms: *duration_ms,
            ended_reason: self.some_text(ended_reason, MAX_NAME),
            cost: *cost,
            started_at: *started_at,
            success: self.some_text(success, MAX_NAME),
            sentiment: self.some_text(sentiment, MAX_NAME),
            turns,
        }
    }

    fn role(&mut self, role: &Role) -> Role {
        match role {
            Role::Other(name) => Role::Other(self.text(name, MAX_NAME)),
            known => known.clone(),
        }
    }

    fn link(&mut self, url: &Option<String>) -> Option<String> {
        match url {
            Some(u) if u.len() > MAX_TEXT => {
                self.clipped = true;
                None
            }
            other => self.some_text(other, MAX_TEXT),
        }
    }

    fn some_text(&mut self, text: &Option<String>, max: usize) -> Option<String> {
        text.as_deref().map(|t| self.text(t, max))
    }

    /// `text`, cut at `max` characters or at what the budget has left
    /// (never below [`MIN_TEXT`]), ending in "…" when cut, its direction
    /// controls shown ([`show_controls`]).
    fn text(&mut self, text: &str, max: usize) -> String {
        let text = &*show_controls(text);
        let room = max.min(self.left.max(MIN_TEXT));
        let end = char_floor(text, room);
        let shown = if end < text.len() {
            self.clipped = true;
            format!("{}…", &text[..end])
        } else {
            text.to_string()
        };
        self.spend(page_cost(&shown) + NODE_COST);
        shown
    }

    /// `value`, bounded: at most [`MAX_ENTRIES`] entries a level and what
    /// the budget allows, levels past [`MAX_DEPTH`] as one line of text.
    fn value(&mut self, value: &Value, depth: usize) -> Value {
        match value {
            Value::Object(_) | Value::Array(_) if depth >= MAX_DEPTH => {
                self.clipped = true;
                Value::String(self.text(&folded(value), FOLDED))
            }
            Value::Object(fields) => {
                let mut shown = Map::new();
                for (key, field) in fields {
                    if shown.len() == MAX_ENTRIES || self.left == 0 {
                        break;
                    }
                    let key = self.text(key, MAX_NAME);
                    let field = self.value(field, depth + 1);
                    shown.insert(key, field);
                }
                if let Some(rest) = left_out(fields.len(), shown.len(), "field") {
                    self.clipped = true;
                    shown.insert(MORE_KEY.to_string(), Value::String(rest));
                }
                Value::Object(shown)
            }
            Value::Array(items) => {
                let mut shown = Vec::new();
                for item in items {
                    if shown.len() == MAX_ENTRIES || self.left == 0 {
                        break;
                    }
                    shown.push(self.value(item, depth + 1));
                }
                if let Some(rest) = left_out(items.len(), shown.len(), "item") {
                    self.clipped = true;
                    shown.push(Value::String(format!("{MORE_KEY} {rest}")));
                }
                Value::Array(shown)
            }
            Value::String(s) => Value::String(self.text(s, MAX_TEXT)),
            scalar => {
                self.spend(NODE_COST + 8);
                scalar.clone()
            }
        }
    }
}

/// "N more fields" when `shown` of `all` were shown and some were not.
fn left_out(all: usize, shown: usize, what: &str) -> Option<String> {
    let rest = all - shown;
    (rest > 0).then(|| format!("{rest} more {what}{}", if rest == 1 { "" } else { "s" }))
}

/// The start of `value` as compact JSON, written only as far as shown.
fn folded(value: &Value) -> String {
    let mut out = Capped(Vec::with_capacity(FOLDED + 8));
    // Stops with an error once the cap is reached: what was written is kept.
    let _ = serde_json::to_writer(&mut out, value);
    String::from_utf8_lossy(&out.0).into_owned()
}

/// A writer that takes [`FOLDED`] bytes and refuses the rest.
struct Capped(Vec<u8>);

impl io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = (FOLDED + 4).saturating_sub(self.0.len());
        if room == 0 {
            return Err(io::Error::other("enough"));
        }
        let n = buf.len().min(room);
        self.0.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The byte index at most `chars` characters into `text`.
fn char_floor(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(index, _)| index)
}

/// What `text` costs on the page: its bytes, and the escapes HTML and the
/// hydration data write for markup characters.
fn page_cost(text: &str) -> usize {
    text.len()
        + 5 * text
            .bytes()
            .filter(|b| matches!(b, b'<' | b'>' | b'&' | b'"' | b'\''))
            .count()
}

#[cfg(test)]
mod tests;
