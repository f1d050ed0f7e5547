//! What a traced framework sent that calltrail does not read — span names
//! and span attributes, counted since first seen, with an example — so a
//! renamed attribute after a framework upgrade shows the same day.

use serde::{Deserialize, Serialize};

/// Whether a span's name or one of its attributes went unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum UnmappedKind {
    Span,
    Attribute,
}

impl UnmappedKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnmappedKind::Span => "span",
            UnmappedKind::Attribute => "attribute",
        }
    }
}

/// A stored kind; an unknown one is an error.
impl TryFrom<String> for UnmappedKind {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        match s.as_str() {
            "span" => Ok(UnmappedKind::Span),
            "attribute" => Ok(UnmappedKind::Attribute),
            other => Err(format!("unknown unmapped kind {other:?}")),
        }
    }
}

/// A span name or attribute a framework's mapper did not read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unmapped {
    /// The framework (`livekit`, `pipecat`).
    pub source: String,
    pub kind: UnmappedKind,
    pub name: String,
    /// Spans it was seen on.
    pub count: i64,
    pub first_seen: i64,
    pub last_seen: i64,
    /// Where it was first seen and, unless it may be personal, its value.
    pub example: String,
}
