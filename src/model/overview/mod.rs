//! The call at a glance: every item on one time axis, in lanes (agent, user,
//! tools, system), with silences and cut turns, and each agent turn's
//! response latency. Computed from the timeline alone, so it updates live.
//!
//! Turn events carry when speech started, not when it stopped: a turn's
//! length is estimated from its words (and never runs into the next turn),
//! and the latencies built on it say they are estimates.

use super::latency::{self, Waterfall};
use super::{EventDetail, Role, TimelineItem};

mod steps;
pub use steps::Steps;

/// Speaking rate used to estimate how long a turn lasted.
const WORDS_PER_SECOND: f64 = 2.7;
/// Shortest and longest turn length the estimate gives (ms).
const MIN_TURN_MS: i64 = 600;
const MAX_TURN_MS: i64 = 30_000;
/// A quiet stretch between turns at least this long is shaded.
pub const SILENCE_MS: i64 = 3_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    Agent,
    User,
    Tools,
    System,
}

impl Lane {
    pub const ALL: [Lane; 4] = [Lane::Agent, Lane::User, Lane::Tools, Lane::System];

    pub fn label(self) -> &'static str {
        match self {
            Lane::Agent => "Agent",
            Lane::User => "User",
            Lane::Tools => "Tools",
            Lane::System => "System",
        }
    }

    pub fn index(self) -> usize {
        Lane::ALL.iter().position(|l| *l == self).unwrap_or(0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarKind {
    Turn,
    /// A turn cut off at `cut_ms` (its bar ends there).
    CutTurn,
    Tool,
    ToolError,
    Hang,
    Marker,
}

impl BarKind {
    /// Every kind, in the legend's order.
    pub const ALL: [BarKind; 6] = [
        BarKind::Turn,
        BarKind::CutTurn,
        BarKind::Tool,
        BarKind::ToolError,
        BarKind::Hang,
        BarKind::Marker,
    ];

    /// What the legend calls it.
    pub fn label(self) -> &'static str {
        match self {
            BarKind::Turn => "turn",
            BarKind::CutTurn => "cut-off turn",
            BarKind::Tool => "tool call",
            BarKind::ToolError => "tool error",
            BarKind::Hang => "agent silent (hang)",
            BarKind::Marker => "transfer or end",
        }
    }

    pub fn css_class(self) -> &'static str {
        match self {
            BarKind::Turn => "bar",
            BarKind::CutTurn => "bar bar-cut",
            BarKind::Tool => "bar bar-tool",
            BarKind::ToolError => "bar bar-error",
            BarKind::Hang => "bar bar-hang",
            BarKind::Marker => "bar bar-marker",
        }
    }
}

/// One item drawn on the strip, from `start` to `end` (ms from call start).
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub lane: Lane,
    pub kind: BarKind,
    pub start: i64,
    pub end: i64,
    pub event_id: i64,
    /// What a pointer over it says.
    pub title: String,
}

/// A quiet stretch with no one speaking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Silence {
    pub start: i64,
    pub end: i64,
}

/// How long after the caller's turn the agent answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Latency {
    pub ms: i64,
    /// Built on an estimated end of the caller's speech (turn events carry
    /// no end time), unless the source reported the silence itself.
    pub estimated: bool,
    /// The parts the source reported, when it did.
    pub parts: Option<Waterfall>,
}

/// Where a turn was cut off, for the turn to show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cut {
    /// The interruption event that said so.
    pub interruption_id: i64,
    pub at_ms: i64,
    /// How much of the turn's text was spoken (bytes), when the
    /// interruption's partial transcript is the start of it.
    pub spoken: Option<usize>,
}

/// What the timeline shows beside one item.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Notes {
    /// An agent turn: how long after the caller it answered.
    pub latency: Option<Latency>,
    /// A turn that was cut off.
    pub cut: Option<Cut>,
    /// An interruption: the turn it cut.
    pub cut_turn: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overview {
    /// The axis runs from 0 to this (ms), at least one second.
    pub span: i64,
    pub bars: Vec<Bar>,
    pub silences: Vec<Silence>,
    /// Response latency by agent turn event id.
    pub latencies: Vec<(i64, Latency)>,
    /// Cut turns by turn event id.
    pub cuts: Vec<(i64, Cut)>,
}

impl Overview {
    pub fn notes(&self, id: i64) -> Notes {
        Notes {
            latency: self
                .latencies
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, l)| l.clone()),
            cut: self.cuts.iter().find(|(i, _)| *i == id).map(|(_, c)| *c),
            cut_turn: self
                .cuts
                .iter()
                .find(|(_, c)| c.interruption_id == id)
                .map(|(turn, _)| *turn),
        }
    }
}

/// The length of `partial` as the start of `text`, ignoring case and the
/// whitespace at its end; `None` when `text` does not start with it.
fn spoken_part(text: &str, partial: &str) -> Option<usize> {
    let partial = partial.trim_end();
    if partial.is_empty() {
        return None;
    }
    let head = text.get(..partial.len())?;
    head.eq_ignore_ascii_case(partial).then_some(partial.len())
}

/// Estimated speaking time of `text`.
pub(crate) fn speech_ms(text: &str) -> i64 {
    let words = text.split_whitespace().count() as f64;
    ((words / WORDS_PER_SECOND * 1000.0) as i64).clamp(MIN_TURN_MS, MAX_TURN_MS)
}

/// The overview of `items` (in timeline order) for a call that started at
/// `started_at`, drawn up to `now_ms` while live (`None` once it ended).
pub fn overview(items: &[TimelineItem], started_at: i64, live_until: Option<i64>) -> Overview {
    let at = |item: &TimelineItem| item.offset_ms(started_at).max(0);
    // Turn starts in order, to end each turn before the next one begins.
    let turn_starts: Vec<i64> = items
        .iter()
        .filter(|i| matches!(i.detail, EventDetail::Message { .. }))
        .map(at)
        .collect();
    let mut bars = Vec::new();
    let mut latencies = Vec::new();
    let mut cuts = Vec::new();
    let mut texts: Vec<(i64, &str)> = Vec::new();
    let mut last_user_end: Option<i64> = None;
    let mut turn_index = 0;
    let mut reported = latency::responses(items).into_iter().peekable();
    for item in items {
        let start = at(item);
        let title = |what: String| format!("{} {}", super::format::offset(start), what);
        match &item.detail {
            EventDetail::Message { role, text } => {
                let next = turn_starts.get(turn_index + 1).copied();
                turn_index += 1;
                let end = (start + speech_ms(text)).min(next.unwrap_or(i64::MAX).max(start + 1));
                let lane = match role {
                    Role::Agent => Lane::Agent,
                    Role::User => Lane::User,
                    _ => Lane::System,
                };
                if *role == Role::Agent {
                    let estimated = last_user_end
                        .take()
                        .map(|user_end| (start - user_end).max(0));
                    // The response the source measured, when one precedes
                    // this answer (the latest, if several do).
                    let mut parts = None;
                    while reported
                        .peek()
                        .is_some_and(|(at, _)| *at <= item.occurred_at)
                    {
                        parts = reported.next().map(|(_, w)| w);
                    }
                    let latency = match (parts, estimated) {
                        (Some(w), estimated) => w.heard_ms.or(estimated).map(|ms| Latency {
                            ms,
                            estimated: w.heard_ms.is_none(),
                            parts: Some(w),
                        }),
                        // The caller's end of speech is an estimate; so is
                        // anything measured on clocks rather than offsets.
                        (None, Some(ms)) => Some(Latency {
                            ms,
                            estimated: true,
                            parts: None,
                        }),
                        (None, None) => None,
                    };
                    latencies.extend(latency.map(|l| (item.id, l)));
                }
                if *role == Role::User {
                    last_user_end = Some(end);
                }
                texts.push((item.id, text));
                bars.push(Bar {
                    lane,
                    kind: BarKind::Turn,
                    start,
                    end,
                    event_id: item.id,
                    title: title(format!(
                        "{}: {}",
                        role.label(),
                        super::format::one_line(text, 80)
                    )),
                });
            }
            EventDetail::Interruption {
                at_seconds,
                text,
                who,
            } => {
                let cut = at_seconds.map_or(start, |s| (s * 1000.0) as i64);
                // The turn being spoken at the cut ends there: the latest
                // before it, of the one cut off when the event says who (the
                // caller may have begun before the agent's audio stopped).
                let lanes: &[Lane] = match who {
                    Some(Role::Agent) => &[Lane::Agent],
                    Some(Role::User) => &[Lane::User],
                    _ => &[Lane::Agent, Lane::User],
                };
                if let Some(turn) = bars
                    .iter_mut()
                    .rev()
                    .find(|b| lanes.contains(&b.lane) && b.kind != BarKind::Hang && b.start <= cut)
                {
                    turn.kind = BarKind::CutTurn;
                    turn.end = cut.max(turn.start + 1);
                    turn.title.push_str(" (cut off)");
                    let spoken = texts
                        .iter()
                        .find(|(id, _)| *id == turn.event_id)
                        .and_then(|(_, said)| spoken_part(said, text));
                    cuts.push((
                        turn.event_id,
                        Cut {
                            interruption_id: item.id,
                            at_ms: cut,
                            spoken,
                        },
                    ));
                }
                bars.push(Bar {
                    lane: Lane::System,
                    kind: BarKind::Marker,
                    start: cut,
                    end: cut,
                    event_id: item.id,
                    title: title("interruption".into()),
                });
            }
            EventDetail::ToolCall {
                function, error, ..
            } => bars.push(Bar {
                lane: Lane::Tools,
                kind: if error.is_some() {
                    BarKind::ToolError
                } else {
                    BarKind::Tool
                },
                start,
                end: start,
                event_id: item.id,
                title: title(format!(
                    "{function}{}",
                    if error.is_some() { " failed" } else { "" }
                )),
            }),
            EventDetail::ToolRequest { function, .. } => bars.push(Bar {
                lane: Lane::Tools,
                kind: BarKind::Tool,
                start,
                end: start,
                event_id: item.id,
                title: title(format!("{function} requested")),
            }),
            // A hang is drawn on the system lane, apart from the turns.
            EventDetail::Hang { after_seconds, .. } => {
                let quiet = after_seconds.map_or(0, |s| (s * 1000.0) as i64);
                bars.push(Bar {
                    lane: Lane::System,
                    kind: BarKind::Hang,
                    start: (start - quiet).max(0),
                    end: start,
                    event_id: item.id,
                    title: title("agent silent".into()),
                });
            }
            EventDetail::Transfer { .. } | EventDetail::End { .. } => bars.push(Bar {
                lane: Lane::System,
                kind: BarKind::Marker,
                start,
                end: start,
                event_id: item.id,
                title: title(item.detail.event_type().replace('-', " ")),
            }),
            EventDetail::Report { .. }
            | EventDetail::Signal { .. }
            | EventDetail::Latency { .. }
            | EventDetail::Unknown { .. } => {}
        }
    }
    let span = bars
        .iter()
        .map(|b| b.end)
        .chain(live_until.map(|now| now - started_at))
        .max()
        .unwrap_or(0)
        .max(1_000);
    let silences = silences(&bars, live_until.map(|now| now - started_at));
    Overview {
        span,
        bars,
        silences,
        latencies,
        cuts,
    }
}

/// Gaps of at least [`SILENCE_MS`] between the end of one turn and the start
/// of the next (and, while live, since the last turn).
fn silences(bars: &[Bar], live_at: Option<i64>) -> Vec<Silence> {
    let mut turns: Vec<(i64, i64)> = bars
        .iter()
        .filter(|b| matches!(b.lane, Lane::Agent | Lane::User) && b.kind != BarKind::Hang)
        .map(|b| (b.start, b.end))
        .collect();
    turns.sort_unstable();
    let mut out = Vec::new();
    let mut spoken_until: Option<i64> = None;
    for (start, end) in turns {
        if let Some(quiet_from) = spoken_until {
            if start - quiet_from >= SILENCE_MS {
                out.push(Silence {
                    start: quiet_from,
                    end: start,
                });
            }
        }
        spoken_until = Some(spoken_until.map_or(end, |u| u.max(end)));
    }
    if let (Some(quiet_from), Some(now)) = (spoken_until, live_at) {
        if now - quiet_from >= SILENCE_MS {
            out.push(Silence {
                start: quiet_from,
                end: now,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests;
