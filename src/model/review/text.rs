//! A note's words, its quote and its moment, as they are kept.

use super::{MAX_NOTE_CHARS, MAX_QUOTE_CHARS};
use crate::model::EventDetail;

/// Why a note cannot be kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteProblem {
    Empty,
    TooLong,
}

/// A note's text as kept: trimmed, not empty, at most [`MAX_NOTE_CHARS`].
pub fn note_body(text: &str) -> Result<String, NoteProblem> {
    let text = text.trim();
    match text.chars().count() {
        0 => Err(NoteProblem::Empty),
        n if n > MAX_NOTE_CHARS => Err(NoteProblem::TooLong),
        _ => Ok(text.to_string()),
    }
}

/// A quote as kept: trimmed, at most [`MAX_QUOTE_CHARS`] (cut with `…`),
/// `None` when empty.
pub fn quote(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    Some(match text.char_indices().nth(MAX_QUOTE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    })
}

/// The words a note on an item quotes by default: what was said, or the
/// tool call in a line (at most [`MAX_QUOTE_CHARS`]).
pub fn quote_of(detail: &EventDetail) -> String {
    let text = match detail {
        EventDetail::Message { text, .. } | EventDetail::Interruption { text, .. } => text.clone(),
        EventDetail::ToolCall {
            function,
            arguments,
            ..
        }
        | EventDetail::ToolRequest {
            function,
            arguments,
            ..
        } => crate::model::tool_line::call(function, arguments),
        EventDetail::Hang { message, .. } => message.clone().unwrap_or_default(),
        _ => String::new(),
    };
    quote(&text).unwrap_or_default()
}

/// `m:ss` (or `h:mm:ss`) → ms from the call's start.
pub fn parse_moment(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let mut seconds: f64 = 0.0;
    for part in &parts {
        let n: f64 = part
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite() && *n >= 0.0)?;
        seconds = seconds * 60.0 + n;
    }
    (seconds < 24.0 * 3600.0).then(|| (seconds * 1000.0).round() as i64)
}
