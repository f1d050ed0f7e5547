//! Reviewing calls as a team: notes pinned to a moment of a call, flags with
//! a reason from the team's list, and each reviewer's score and "reviewed"
//! mark. The call page shows a call's [`CallReview`]; the calls list and
//! exports a [`ReviewMarks`] per call.

use serde::{Deserialize, Serialize};

use crate::model::TimelineItem;

mod counts;
mod queue;
mod reasons;
mod share;
mod text;

pub use counts::FlagCounts;
pub use queue::{is_for, Queue, QueuesPage, Sampling};
pub use reasons::{reason_code, Reason, DEFAULT_REASONS};
pub use share::{parse_share_lifetime, ShareLink, SharedCall, SHARE_LIFETIMES};
pub use text::{note_body, parse_moment, quote, quote_of, NoteProblem};

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 4_000;
/// The longest quote a note keeps of the text it is about, in characters.
pub const MAX_QUOTE_CHARS: usize = 500;
/// The most notes one call holds (a page shows them all with the call).
pub const MAX_NOTES_PER_CALL: i64 = 500;

/// A note a reviewer pinned to a moment of a call: an event (a timeline
/// item) or a time from the call's start, or the call as a whole.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub id: i64,
    pub call_id: String,
    /// The timeline item it is about.
    pub event_id: Option<i64>,
    /// The moment it is about, in ms from the call's start.
    pub at_ms: Option<i64>,
    /// The words of the call it is about, as the author quoted them.
    pub quote: Option<String>,
    pub body: String,
    pub author: String,
    pub author_id: i64,
    pub created_at: i64,
    pub edited_at: Option<i64>,
}

/// A reason a call, or one of its items, was flagged.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    /// The item flagged; `None`: the call.
    pub event_id: Option<i64>,
    /// The reason's code (`tool_failed`).
    pub reason: String,
    pub author: String,
    pub created_at: i64,
}

/// One reviewer's verdict on a call.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub reviewer: String,
    pub reviewer_id: i64,
    /// 1 (bad) to 5 (good).
    pub score: Option<u8>,
    /// When they marked the call reviewed.
    pub reviewed_at: Option<i64>,
}

/// Everything reviewers concluded about one call.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CallReview {
    /// In the order of the moments they are about, then of writing.
    pub notes: Vec<Note>,
    pub flags: Vec<Flag>,
    pub verdicts: Vec<Verdict>,
}

impl CallReview {
    /// The notes about item `event_id`.
    pub fn notes_on(&self, event_id: i64) -> impl Iterator<Item = &Note> {
        self.notes
            .iter()
            .filter(move |n| n.event_id == Some(event_id))
    }

    /// The reasons item `event_id` (or the call, for `None`) is flagged
    /// for, each once.
    pub fn reasons_on(&self, event_id: Option<i64>) -> Vec<&str> {
        let mut reasons: Vec<&str> = Vec::new();
        for flag in self.flags.iter().filter(|f| f.event_id == event_id) {
            if !reasons.contains(&flag.reason.as_str()) {
                reasons.push(&flag.reason);
            }
        }
        reasons
    }

    /// `reviewer`'s verdict, if they gave one.
    pub fn verdict_of(&self, reviewer_id: i64) -> Option<&Verdict> {
        self.verdicts.iter().find(|v| v.reviewer_id == reviewer_id)
    }

    /// Whether `author` flagged the call (or the item) for `reason`.
    pub fn flagged_by(&self, author: &str, event_id: Option<i64>, reason: &str) -> bool {
        self.flags
            .iter()
            .any(|f| f.author == author && f.event_id == event_id && f.reason == reason)
    }

    /// Where each note sits on the call's time axis, for the overview strip:
    /// at its moment, else at its item's (notes on an item not in `items`,
    /// and notes on the call as a whole, have no place).
    pub fn pins(&self, items: &[TimelineItem], started_at: i64) -> Vec<Pin> {
        self.notes
            .iter()
            .filter_map(|note| {
                let at_ms = note.at_ms.or_else(|| {
                    let id = note.event_id?;
                    items
                        .iter()
                        .find(|i| i.id == id)
                        .map(|i| i.offset_ms(started_at))
                })?;
                Some(Pin {
                    at_ms,
                    event_id: note.event_id,
                    label: format!(
                        "{}: {}",
                        note.author,
                        crate::model::format::one_line(&note.body, 80)
                    ),
                })
            })
            .collect()
    }

    /// What the calls list and exports show of it.
    pub fn marks(&self) -> ReviewMarks {
        let mut flags: Vec<String> = Vec::new();
        for flag in &self.flags {
            if !flags.contains(&flag.reason) {
                flags.push(flag.reason.clone());
            }
        }
        let scores: Vec<u8> = self.verdicts.iter().filter_map(|v| v.score).collect();
        ReviewMarks {
            flags,
            score: mean(&scores),
            reviewed_by: self
                .verdicts
                .iter()
                .filter(|v| v.reviewed_at.is_some())
                .map(|v| v.reviewer.clone())
                .collect(),
            notes: self.notes.len() as i64,
        }
    }
}

/// A note's place on the overview strip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pin {
    /// From the call's start.
    pub at_ms: i64,
    /// The item it is about, which clicking the pin scrolls to.
    pub event_id: Option<i64>,
    /// Its author and first words.
    pub label: String,
}

/// A call's review in a line: for the calls list, exports and the API.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewMarks {
    /// Reason codes, call and items together, each once.
    pub flags: Vec<String>,
    /// The reviewers' mean score.
    pub score: Option<f64>,
    /// Who marked it reviewed.
    pub reviewed_by: Vec<String>,
    pub notes: i64,
}

impl ReviewMarks {
    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
            && self.score.is_none()
            && self.reviewed_by.is_empty()
            && self.notes == 0
    }

    /// The score as a page shows it: `2`, `3.5`.
    pub fn score_text(&self) -> String {
        self.score.map(score_text).unwrap_or_default()
    }
}

/// `2`, `3.5`: a mean score to one decimal, without a trailing `.0`.
pub fn score_text(score: f64) -> String {
    let text = format!("{score:.1}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

fn mean(scores: &[u8]) -> Option<f64> {
    (!scores.is_empty())
        .then(|| scores.iter().map(|s| f64::from(*s)).sum::<f64>() / scores.len() as f64)
}

/// What the call page needs to offer reviewing: the team's reasons and what
/// the reader may do.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewDesk {
    pub reasons: Vec<Reason>,
    /// The reader's account id.
    pub you: i64,
    /// The reader's account name (as flags name their authors).
    pub name: String,
    /// The reader may note, flag and score.
    pub may_review: bool,
    /// The reader may change and delete anyone's notes.
    pub admin: bool,
}

impl ReviewDesk {
    /// Whether the reader may change or delete `note`.
    pub fn may_change(&self, note: &Note) -> bool {
        self.may_review && (self.admin || note.author_id == self.you)
    }

    /// The label of reason `code` (the code itself for a reason no longer
    /// on the list).
    pub fn label<'a>(&'a self, code: &'a str) -> &'a str {
        self.reasons
            .iter()
            .find(|r| r.code == code)
            .map_or(code, |r| r.label.as_str())
    }
}

/// A live call page's message when the call's review changed: the whole
/// review, so a page that missed one change is right after the next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewUpdate {
    pub review: CallReview,
}

#[cfg(test)]
mod tests;
