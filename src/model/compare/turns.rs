//! A call's spoken turns as a comparison reads them: what was said, made
//! comparable (lowercase, no punctuation, single spaces), and the latency
//! the source measured before each answer.

use super::align::Match;
use super::TurnSide;
use crate::model::latency::{self, Waterfall};
use crate::model::{EventDetail, Role, TimelineItem};

/// Two texts pair when this share of their words is common to both (the
/// Dice coefficient over distinct words): "Your visit is on Tuesday" and
/// "Your visit is on Wednesday" pair; "Yes" and "I can't do that" do not.
pub const SIMILAR: f64 = 0.5;

/// One spoken turn and its text made comparable.
pub(super) struct Spoken {
    pub(super) side: TurnSide,
    normal: String,
    /// The distinct words of `normal`, sorted.
    words: Vec<String>,
}

/// The agent's and the caller's turns of a call, in order; system lines and
/// other speakers are left out. `items` are in timeline order.
pub(super) fn spoken(items: &[TimelineItem]) -> Vec<Spoken> {
    let started = items.first().map_or(0, |i| i.occurred_at);
    let mut reported = latency::responses(items).into_iter().peekable();
    let mut turns = Vec::new();
    for item in items {
        let EventDetail::Message { role, text } = &item.detail else {
            continue;
        };
        if !matches!(role, Role::Agent | Role::User) {
            continue;
        }
        // The response measured since the turn before, the latest if
        // several were; it belongs to this turn only if it is an answer.
        let mut measured: Option<Waterfall> = None;
        while reported
            .peek()
            .is_some_and(|(at, _)| *at <= item.occurred_at)
        {
            measured = reported.next().map(|(_, w)| w);
        }
        let normal = normalise(text);
        turns.push(Spoken {
            side: TurnSide {
                id: item.id,
                role: role.clone(),
                text: text.clone(),
                offset_ms: item.offset_ms(started).max(0),
                latency: measured.filter(|_| *role == Role::Agent),
            },
            words: distinct_words(&normal),
            normal,
        });
    }
    turns
}

/// Whether and how two turns pair: only the same speaker's, exactly when
/// their comparable texts are equal, closely when they are [`SIMILAR`].
pub(super) fn matching(a: &Spoken, b: &Spoken) -> Option<Match> {
    if a.side.role != b.side.role {
        return None;
    }
    if a.normal == b.normal {
        return Some(Match::Exact);
    }
    (similarity(&a.words, &b.words) >= SIMILAR).then_some(Match::Close)
}

/// Whether two turns say the same once made comparable.
pub(super) fn same_text(a: &Spoken, b: &Spoken) -> bool {
    a.normal == b.normal
}

/// The text lowercased, punctuation dropped and whitespace collapsed to
/// single spaces.
pub fn normalise(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn distinct_words(normal: &str) -> Vec<String> {
    let mut words: Vec<String> = normal
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// The Dice coefficient of two sorted sets of words: twice the common
/// words over the sum of their sizes (0 when both are empty).
fn similarity(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (2 * common) as f64 / (a.len() + b.len()) as f64
}
