//! The set of byte ranges chosen for redaction in one text.
//!
//! Detectors all look at the *original* text and claim non-overlapping
//! ranges, first come first served; the output is built once at the end.
//! Replacing as we go would let a later pattern match across an earlier
//! mark, and would allocate a new string per detector.

use super::Detector;

/// What a claimed range is replaced with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mark {
    Builtin(Detector),
    /// Index into the redactor's rules.
    Rule(usize),
}

#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    mark: Mark,
}

/// Non-overlapping spans kept sorted by start (hence also by end), so an
/// overlap check is a binary search even when a 1 MB transcript holds
/// thousands of matches.
#[derive(Debug, Default)]
pub(super) struct Spans(Vec<Span>);

impl Spans {
    /// Claims `start..end` unless it is empty or overlaps a claimed range;
    /// returns whether it was claimed.
    pub(super) fn insert(&mut self, start: usize, end: usize, mark: Mark) -> bool {
        if start >= end {
            return false;
        }
        let at = self.0.partition_point(|s| s.end <= start);
        if self.0.get(at).is_some_and(|s| s.start < end) {
            return false;
        }
        self.0.insert(at, Span { start, end, mark });
        true
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn len(&self) -> u32 {
        u32::try_from(self.0.len()).unwrap_or(u32::MAX)
    }

    /// The text with every claimed range replaced by `[label]`.
    pub(super) fn render<'a>(&self, text: &str, label: impl Fn(Mark) -> &'a str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for span in &self.0 {
            out.push_str(&text[last..span.start]);
            out.push('[');
            out.push_str(label(span.mark));
            out.push(']');
            last = span.end;
        }
        out.push_str(&text[last..]);
        out
    }
}
