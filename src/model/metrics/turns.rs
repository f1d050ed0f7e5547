//! A call's spoken turns on its time axis, from the end-of-call report's
//! timings when it times every turn, else from the events (each turn ending
//! where its words would), and what is measured from them: response
//! latency, stall time and talk time.

use super::{Latency, Talk};
use crate::model::overview::{speech_ms, SILENCE_MS};
use crate::model::{EventDetail, ReportTurn, Role, TimelineItem};

/// Clock times of a call's turns may drift this much from their
/// `secondsFromStart` before the two are said to disagree.
const CLOCK_SKEW_MS: i64 = 2_000;

/// A spoken turn on the call's time axis (ms from its start).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Turn {
    pub(super) agent: bool,
    pub(super) start: i64,
    pub(super) end: i64,
}

/// The turns of a call and why their timing may be off.
pub(super) struct Turns {
    pub(super) turns: Vec<Turn>,
    pub(super) untrusted: Vec<String>,
    /// Turns the events carried (agent and caller).
    pub(super) arrived: usize,
    /// Turns the report lists, when one came.
    pub(super) listed: Option<usize>,
}

/// The turns as the report times them, when it came and times every turn;
/// else as the events place them, each ending where its words would.
pub(super) fn turns(items: &[TimelineItem], started_at: i64) -> Turns {
    let messages: Vec<(&TimelineItem, bool, &str)> = items
        .iter()
        .filter_map(|i| match &i.detail {
            EventDetail::Message { role, text } if matches!(role, Role::Agent | Role::User) => {
                Some((i, *role == Role::Agent, text.as_str()))
            }
            _ => None,
        })
        .collect();
    let report = items.iter().rev().find_map(|i| match &i.detail {
        EventDetail::Report { turns, .. } if !turns.is_empty() => Some(turns),
        _ => None,
    });
    let arrived = messages.len();
    let listed = report.map(|r| {
        r.iter()
            .filter(|t| matches!(t.role, Role::Agent | Role::User))
            .count()
    });
    // The report's timings stand for the call only if they cover every
    // turn that arrived.
    let covers = listed.is_some_and(|l| l >= arrived);
    if let Some(timed) = report.filter(|_| covers).and_then(|r| timed_turns(r)) {
        return Turns {
            turns: timed,
            untrusted: Vec::new(),
            arrived,
            listed,
        };
    }
    let mut untrusted = vec![match listed {
        None => "turn ends estimated from word count (no end-of-call report with turn timings yet)"
            .to_string(),
        Some(l) if l < arrived => format!(
            "turn ends estimated from word count (the report times {l} turns but {arrived} arrived as events)"
        ),
        Some(_) => {
            "turn ends estimated from word count (the report does not time every turn)".to_string()
        }
    }];
    let unplaced = messages
        .iter()
        .filter(|(i, _, _)| i.seconds_from_start.is_none())
        .count();
    if unplaced > 0 {
        untrusted.push(format!(
            "{unplaced} of {arrived} turns carry no secondsFromStart (placed by clock time)"
        ));
    }
    if let Some(skew) = clock_skew(messages.iter().map(|(i, _, _)| *i)) {
        untrusted.push(format!(
            "clock times disagree with secondsFromStart by up to {:.1} s",
            skew as f64 / 1000.0
        ));
    }
    let starts: Vec<i64> = messages
        .iter()
        .map(|(i, _, _)| i.offset_ms(started_at).max(0))
        .collect();
    let turns = messages
        .iter()
        .zip(&starts)
        .enumerate()
        .map(|(n, ((_, agent, text), &start))| {
            let next = starts.get(n + 1).copied().unwrap_or(i64::MAX);
            Turn {
                agent: *agent,
                start,
                end: (start + speech_ms(text)).min(next.max(start)),
            }
        })
        .collect();
    Turns {
        turns,
        untrusted,
        arrived,
        listed,
    }
}

/// The report's turns in time order, when every one says how long it was.
fn timed_turns(report: &[ReportTurn]) -> Option<Vec<Turn>> {
    let mut turns = report
        .iter()
        .filter(|t| matches!(t.role, Role::Agent | Role::User))
        .map(|t| {
            Some(Turn {
                agent: t.role == Role::Agent,
                start: t.start_ms,
                end: t.start_ms + t.duration_ms?,
            })
        })
        .collect::<Option<Vec<Turn>>>()?;
    turns.sort_by_key(|t| t.start);
    Some(turns)
}

/// How far the turns' clock times stray from their `secondsFromStart`
/// (the spread of the two's difference), when past [`CLOCK_SKEW_MS`].
fn clock_skew<'a>(items: impl Iterator<Item = &'a TimelineItem>) -> Option<i64> {
    let offsets: Vec<i64> = items
        .filter_map(|i| {
            let s = i.seconds_from_start?;
            Some(i.occurred_at - (s * 1000.0).round() as i64)
        })
        .collect();
    let spread = offsets.iter().max()? - offsets.iter().min()?;
    (spread > CLOCK_SKEW_MS).then_some(spread)
}

/// From the end of each caller turn to the start of the agent turn after it.
pub(super) fn latency(turns: &[Turn]) -> Option<Latency> {
    let mut gaps: Vec<i64> = turns
        .windows(2)
        .filter(|w| !w[0].agent && w[1].agent)
        .map(|w| (w[1].start - w[0].end).max(0))
        .collect();
    gaps.sort_unstable();
    Some(Latency {
        p50_ms: *gaps.get((gaps.len().checked_sub(1)?) / 2)?,
        max_ms: *gaps.last()?,
        answers: gaps.len() as u32,
    })
}

/// Quiet stretches of at least [`SILENCE_MS`] between turns.
pub(super) fn stall(turns: &[Turn]) -> Option<i64> {
    if turns.is_empty() {
        return None;
    }
    let mut heard_until = turns[0].end;
    let mut quiet = 0;
    for turn in &turns[1..] {
        let gap = turn.start - heard_until;
        if gap >= SILENCE_MS {
            quiet += gap;
        }
        heard_until = heard_until.max(turn.end);
    }
    Some(quiet)
}

pub(super) fn talk(turns: &[Turn]) -> Option<Talk> {
    if turns.is_empty() {
        return None;
    }
    let spoken = |agent: bool| -> i64 {
        turns
            .iter()
            .filter(|t| t.agent == agent)
            .map(|t| t.end - t.start)
            .sum()
    };
    Some(Talk {
        agent_ms: spoken(true),
        user_ms: spoken(false),
    })
}
