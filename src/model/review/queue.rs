//! Review queues: a saved query, a rule that samples the ended calls it
//! finds, and how many reviewers each sampled call needs.

use serde::{Deserialize, Serialize};

/// Which of the calls a queue's query finds it offers, in the order it
/// finds them (by start).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sampling {
    All,
    /// The 1st, the (n+1)th, the (2n+1)th, …
    Every(u32),
    /// About n % of them, the same ones whenever asked (by a hash of the
    /// queue and the call).
    Percent(u32),
    /// The first n that started on each day (UTC).
    PerDay(u32),
}

impl Sampling {
    /// From the form's (or the database's) kind and number; `None` for an
    /// unknown kind or a number out of its range.
    pub fn parse(kind: &str, n: i64) -> Option<Sampling> {
        let n32 = u32::try_from(n).ok().filter(|n| *n >= 1);
        match kind {
            "all" => Some(Sampling::All),
            "every" => n32.filter(|n| *n <= 1000).map(Sampling::Every),
            "percent" => n32.filter(|n| *n <= 100).map(Sampling::Percent),
            "per_day" => n32.filter(|n| *n <= 10_000).map(Sampling::PerDay),
            _ => None,
        }
    }

    /// `(kind, n)` as stored.
    pub fn parts(self) -> (&'static str, i64) {
        match self {
            Sampling::All => ("all", 1),
            Sampling::Every(n) => ("every", n.into()),
            Sampling::Percent(n) => ("percent", n.into()),
            Sampling::PerDay(n) => ("per_day", n.into()),
        }
    }

    /// In words: "every 2nd call".
    pub fn describe(self) -> String {
        match self {
            Sampling::All => "every call".into(),
            Sampling::Every(1) => "every call".into(),
            Sampling::Every(n) => format!("every {} call", ordinal(n)),
            Sampling::Percent(n) => format!("{n} % of calls at random"),
            Sampling::PerDay(n) => format!("{n} calls a day"),
        }
    }

    /// Whether the call at `position` (1 for the first the queue looked
    /// at) is offered; `picked_that_day` counts the calls already offered
    /// of those that started on its day, `hash` is stable per queue and call.
    pub fn picks(self, position: i64, picked_that_day: i64, hash: u64) -> bool {
        match self {
            Sampling::All => true,
            Sampling::Every(n) => (position - 1) % i64::from(n) == 0,
            Sampling::Percent(n) => hash % 100 < u64::from(n),
            Sampling::PerDay(n) => picked_that_day < i64::from(n),
        }
    }
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Whether a queue for `reviewers` (anyone, when empty) is `name`'s.
pub fn is_for(reviewers: &[String], name: &str) -> bool {
    reviewers.is_empty() || reviewers.iter().any(|r| r.eq_ignore_ascii_case(name))
}

/// A queue as its page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    pub id: i64,
    pub name: String,
    /// The calls list's query language.
    pub query: String,
    pub sampling: Sampling,
    /// Reviewers a call needs before it leaves the queue.
    pub reviews_needed: i64,
    /// Who the queue is for (anyone who may review, when empty).
    pub reviewers: Vec<String>,
    /// Calls offered that have their reviews.
    pub done: i64,
    /// Calls offered.
    pub total: i64,
    /// Calls still waiting for the reader's review.
    pub waiting_for_you: i64,
}

/// The review queues page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueuesPage {
    pub queues: Vec<Queue>,
    /// The reader may add and delete queues.
    pub may_edit: bool,
    /// The reader may review (so "Next call" works for them).
    pub may_review: bool,
    /// The flag reasons on the list.
    pub reasons: Vec<super::Reason>,
    /// The reader keeps the reasons and says whether viewers review.
    pub admin: bool,
    /// Admins let viewers review.
    pub viewers_review: bool,
    /// The reader's account name.
    #[serde(default)]
    pub you: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_second_call_of_ten_is_five() {
        let every = Sampling::parse("every", 2).unwrap();
        let picked: Vec<i64> = (1..=10).filter(|p| every.picks(*p, 0, 0)).collect();
        assert_eq!(picked, [1, 3, 5, 7, 9]);
        assert_eq!(every.describe(), "every 2nd call");
        assert_eq!(Sampling::Every(11).describe(), "every 11th call");
    }

    #[test]
    fn rules_are_strict() {
        assert_eq!(Sampling::parse("percent", 101), None);
        assert_eq!(Sampling::parse("every", 0), None);
        assert_eq!(Sampling::parse("sometimes", 3), None);
        assert_eq!(Sampling::parse("per_day", 3), Some(Sampling::PerDay(3)));
        assert!(Sampling::PerDay(3).picks(9, 2, 0));
        assert!(!Sampling::PerDay(3).picks(9, 3, 0));
        assert!(Sampling::Percent(10).picks(1, 0, 109));
        assert!(!Sampling::Percent(10).picks(1, 0, 110));
        for s in [
            Sampling::All,
            Sampling::Every(3),
            Sampling::Percent(5),
            Sampling::PerDay(7),
        ] {
            let (kind, n) = s.parts();
            assert_eq!(Sampling::parse(kind, n), Some(s));
        }
    }
}
