//! Two calls side by side: their spoken turns, tool calls and endings lined
//! up, each row saying whether the calls agree there and how they differ,
//! so a change between two runs of an agent shows as a few rows. Latency is
//! shown beside each answer but never counted as a difference.

mod align;
mod searches;
mod turns;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::latency::Waterfall;
use crate::model::{EventDetail, Role, TimelineItem};
use align::{align, Match, Pair};

pub use align::MAX_ALIGNED;
pub use searches::{FigureRow, SearchSummary, SearchesPage};
pub use turns::{normalise, SIMILAR};

/// Two calls compared, row by row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The agent's and the caller's turns of both calls, aligned.
    pub turns: Vec<TurnRow>,
    /// The tool calls of both calls, aligned by function.
    pub tools: Vec<ToolRow>,
    /// Why each call ended.
    pub ending: EndingRow,
    /// Whether a call had more than [`MAX_ALIGNED`] turns or tool calls, so
    /// those were paired by order rather than aligned (an insertion then
    /// shifts every later row).
    pub by_order: bool,
}

/// One turn of either call, or of both where they line up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TurnRow {
    /// The turn in call A, unless only B has it.
    pub a: Option<TurnSide>,
    /// The turn in call B, unless only A has it.
    pub b: Option<TurnSide>,
    /// How the two sides compare.
    pub diff: TurnDiff,
}

/// A turn as one call had it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TurnSide {
    /// The message's event id (its timeline anchor).
    pub id: i64,
    /// The agent or the caller.
    pub role: Role,
    /// What was said, as the event has it.
    pub text: String,
    /// Ms from the call's start: the event's own seconds-from-start, else
    /// its time since the call's first event.
    pub offset_ms: i64,
    /// For an answer, the latency the source measured before it (the
    /// latest response measured since the turn before), when one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<Waterfall>,
}

/// How the two sides of a turn row compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnDiff {
    /// The same words, give or take case, punctuation and spacing.
    Same,
    /// The same speaker said something similar, not the same.
    Changed,
    /// Only call A has this turn.
    OnlyA,
    /// Only call B has this turn.
    OnlyB,
}

/// One tool call of either call, or of both where they line up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolRow {
    /// The tool's function name (the same on both sides).
    pub function: String,
    /// The tool call's event id in call A.
    pub a: Option<i64>,
    /// The tool call's event id in call B.
    pub b: Option<i64>,
    /// How the two sides compare.
    pub diff: ToolDiff,
}

/// How the two sides of a tool row compare: arguments and responses as
/// JSON values (key order and spacing do not matter), errors as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolDiff {
    /// Same arguments and the same response or error.
    Same,
    /// Other arguments; the same response or error.
    ArgsDiffer,
    /// Same arguments; the response or the error differs.
    ResultDiffers,
    /// Both the arguments and the response or error differ.
    ArgsAndResultDiffer,
    /// Only call A made this tool call.
    OnlyA,
    /// Only call B made this tool call.
    OnlyB,
}

/// Why each call ended: the end-of-call report's reason, else who the end
/// event says ended it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndingRow {
    /// Call A's end reason, when it has one.
    pub a: Option<String>,
    /// Call B's end reason, when it has one.
    pub b: Option<String>,
    /// Whether the two differ (one call having none and the other one
    /// counts; neither having one does not).
    pub differs: bool,
}

impl Comparison {
    /// How many rows differ: turns and tool calls not the same, and the
    /// ending if it differs.
    pub fn differences(&self) -> usize {
        let turns = self
            .turns
            .iter()
            .filter(|r| r.diff != TurnDiff::Same)
            .count();
        let tools = self
            .tools
            .iter()
            .filter(|r| r.diff != ToolDiff::Same)
            .count();
        turns + tools + usize::from(self.ending.differs)
    }
}

/// Compares call `a` with call `b`, each given as its timeline items in
/// timeline order ([`TimelineItem::sort_key`]).
pub fn compare(a: &[TimelineItem], b: &[TimelineItem]) -> Comparison {
    let (turns_a, turns_b) = (turns::spoken(a), turns::spoken(b));
    let (tools_a, tools_b) = (tool_calls(a), tool_calls(b));
    let by_order = [turns_a.len(), turns_b.len(), tools_a.len(), tools_b.len()]
        .iter()
        .any(|n| *n > MAX_ALIGNED);
    let (end_a, end_b) = (end_reason(a), end_reason(b));
    let ending = EndingRow {
        differs: end_a != end_b,
        a: end_a,
        b: end_b,
    };
    Comparison {
        turns: turn_rows(&turns_a, &turns_b),
        tools: tool_rows(&tools_a, &tools_b),
        ending,
        by_order,
    }
}

fn turn_rows(a: &[turns::Spoken], b: &[turns::Spoken]) -> Vec<TurnRow> {
    let pairs = align(a.len(), b.len(), |i, j| turns::matching(&a[i], &b[j]));
    pairs
        .into_iter()
        .filter_map(|pair| {
            let (x, y) = sides(pair, a, b);
            let diff = match (x, y) {
                (Some(x), Some(y)) if turns::same_text(x, y) => TurnDiff::Same,
                (Some(_), Some(_)) => TurnDiff::Changed,
                (Some(_), None) => TurnDiff::OnlyA,
                (None, Some(_)) => TurnDiff::OnlyB,
                (None, None) => return None,
            };
            Some(TurnRow {
                a: x.map(|s| s.side.clone()),
                b: y.map(|s| s.side.clone()),
                diff,
            })
        })
        .collect()
}

/// A tool call as a comparison reads it.
struct ToolCall<'a> {
    id: i64,
    function: &'a str,
    arguments: &'a Value,
    response: Option<&'a Value>,
    error: Option<&'a str>,
}

fn tool_calls(items: &[TimelineItem]) -> Vec<ToolCall<'_>> {
    items
        .iter()
        .filter_map(|item| match &item.detail {
            EventDetail::ToolCall {
                function,
                arguments,
                response,
                error,
            } => Some(ToolCall {
                id: item.id,
                function,
                arguments,
                response: response.as_ref(),
                error: error.as_deref(),
            }),
            _ => None,
        })
        .collect()
}

/// How two calls of the same function compare.
fn tool_diff(a: &ToolCall, b: &ToolCall) -> ToolDiff {
    let args = a.arguments == b.arguments;
    let result = a.response == b.response && a.error == b.error;
    match (args, result) {
        (true, true) => ToolDiff::Same,
        (false, true) => ToolDiff::ArgsDiffer,
        (true, false) => ToolDiff::ResultDiffers,
        (false, false) => ToolDiff::ArgsAndResultDiffer,
    }
}

fn tool_rows(a: &[ToolCall], b: &[ToolCall]) -> Vec<ToolRow> {
    let pairs = align(a.len(), b.len(), |i, j| {
        let (x, y) = (&a[i], &b[j]);
        (x.function == y.function).then(|| match tool_diff(x, y) {
            ToolDiff::Same => Match::Exact,
            _ => Match::Close,
        })
    });
    pairs
        .into_iter()
        .filter_map(|pair| {
            let (x, y) = sides(pair, a, b);
            let (function, diff) = match (x, y) {
                (Some(x), Some(y)) => (x.function, tool_diff(x, y)),
                (Some(x), None) => (x.function, ToolDiff::OnlyA),
                (None, Some(y)) => (y.function, ToolDiff::OnlyB),
                (None, None) => return None,
            };
            Some(ToolRow {
                function: function.to_string(),
                a: x.map(|t| t.id),
                b: y.map(|t| t.id),
                diff,
            })
        })
        .collect()
}

/// The items an aligned row names on each side.
fn sides<'a, T>(pair: Pair, a: &'a [T], b: &'a [T]) -> (Option<&'a T>, Option<&'a T>) {
    (pair.0.and_then(|i| a.get(i)), pair.1.and_then(|j| b.get(j)))
}

/// Why a call ended: the latest report's reason, else the latest end
/// event's `ended_by`.
fn end_reason(items: &[TimelineItem]) -> Option<String> {
    let latest = |pick: fn(&EventDetail) -> Option<&String>| {
        items.iter().rev().find_map(|i| pick(&i.detail)).cloned()
    };
    latest(|d| match d {
        EventDetail::Report { ended_reason, .. } => ended_reason.as_ref(),
        _ => None,
    })
    .or_else(|| {
        latest(|d| match d {
            EventDetail::End { ended_by } => ended_by.as_ref(),
            _ => None,
        })
    })
}

#[cfg(test)]
mod tests;

/// `/compare`: two calls side by side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparePage {
    pub a: crate::model::CallSummary,
    pub b: crate::model::CallSummary,
    pub comparison: Comparison,
    /// Each compared tool call's arguments and result in a line, by event id.
    pub tools: Vec<(i64, String, String)>,
}
