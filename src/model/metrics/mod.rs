//! A call's voice metrics, computed from its events: how fast the agent
//! answered, how long the line went quiet, how often speech was cut off, who
//! talked how much, how each tool fared and how the call ended.
//!
//! Every metric says when its inputs cannot be trusted, and why (turn ends
//! estimated from words, turns without `secondsFromStart`, clocks that
//! disagree with it, events the report lists that never arrived), rather
//! than being dropped or made up.

use serde::{Deserialize, Serialize};

mod show;
pub use show::Shown;

use super::overview::{speech_ms, SILENCE_MS};
use super::{EventDetail, ReportTurn, Role, TimelineItem};

/// Clock times of a call's turns may drift this much from their
/// `secondsFromStart` before the two are said to disagree.
const CLOCK_SKEW_MS: i64 = 2_000;

/// A metric's value (none when there is nothing to measure yet), and the
/// reasons its inputs cannot be trusted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measured<T> {
    pub value: Option<T>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub untrusted: Vec<String>,
}

impl<T> Measured<T> {
    fn new(value: Option<T>, untrusted: &[String]) -> Self {
        // Nothing measured is nothing to distrust.
        let untrusted = match value {
            Some(_) => untrusted.to_vec(),
            None => Vec::new(),
        };
        Measured { value, untrusted }
    }

    pub fn is_trusted(&self) -> bool {
        self.untrusted.is_empty()
    }

    /// The reasons in one sentence, for a tooltip.
    pub fn why(&self) -> String {
        self.untrusted.join("; ")
    }
}

/// How long after the caller stopped the agent started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latency {
    pub p50_ms: i64,
    pub max_ms: i64,
    /// How many caller → agent hand-overs were measured.
    pub answers: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interruptions {
    pub count: u32,
    /// Interruptions per agent turn.
    pub per_agent_turn: f64,
}

/// Speaking time by role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Talk {
    pub agent_ms: i64,
    pub user_ms: i64,
}

impl Talk {
    /// The agent's share of the speaking time (0–1).
    pub fn agent_share(&self) -> Option<f64> {
        let total = self.agent_ms + self.user_ms;
        (total > 0).then(|| self.agent_ms as f64 / total as f64)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolStat {
    pub function: String,
    pub calls: u32,
    pub errors: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ending {
    /// Who hung up, as the end-call event says.
    pub by: Option<String>,
    /// Why, as the report says.
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallMetrics {
    pub latency: Measured<Latency>,
    /// Total time nobody spoke for at least [`SILENCE_MS`].
    pub stall_ms: Measured<i64>,
    pub hangs: u32,
    pub interruptions: Measured<Interruptions>,
    pub talk: Measured<Talk>,
    /// Per function, in the order first called.
    pub tools: Measured<Vec<ToolStat>>,
    pub ending: Measured<Ending>,
}

impl CallMetrics {
    /// The share of tool calls that failed, over all functions.
    pub fn tool_error_rate(&self) -> Option<f64> {
        let tools = self.tools.value.as_ref()?;
        let calls: u32 = tools.iter().map(|t| t.calls).sum();
        let errors: u32 = tools.iter().map(|t| t.errors).sum();
        (calls > 0).then(|| errors as f64 / calls as f64)
    }
}

/// A spoken turn on the call's time axis (ms from its start).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Turn {
    agent: bool,
    start: i64,
    end: i64,
}

/// The turns of a call and why their timing may be off.
struct Turns {
    turns: Vec<Turn>,
    untrusted: Vec<String>,
    /// Turns the events carried (agent and caller).
    arrived: usize,
    /// Turns the report lists, when one came.
    listed: Option<usize>,
}

/// The metrics of a call from its events (in timeline order); `ended` says
/// whether the call is over (a live call's end is not missing yet).
pub fn compute(items: &[TimelineItem], started_at: i64, ended: bool) -> CallMetrics {
    let turns = turns(items, started_at);
    let missing = turns.listed.filter(|l| *l > turns.arrived).map(|listed| {
        format!(
            "the report lists {listed} turns but {} arrived as events",
            turns.arrived
        )
    });
    CallMetrics {
        latency: Measured::new(latency(&turns.turns), &turns.untrusted),
        stall_ms: Measured::new(stall(&turns.turns), &turns.untrusted),
        hangs: count(items, |d| matches!(d, EventDetail::Hang { .. })),
        interruptions: {
            let agent_turns = turns.turns.iter().filter(|t| t.agent).count();
            let count = count(items, |d| matches!(d, EventDetail::Interruption { .. }));
            let mut why = Vec::from_iter(missing.clone());
            if agent_turns == 0 && count > 0 {
                why.push("no agent turn arrived to be interrupted".to_string());
            }
            Measured::new(
                (agent_turns > 0 || count > 0).then(|| Interruptions {
                    count,
                    per_agent_turn: count as f64 / agent_turns.max(1) as f64,
                }),
                &why,
            )
        },
        talk: Measured::new(talk(&turns.turns), &turns.untrusted),
        tools: tools(items),
        ending: ending(items, ended),
    }
}

fn count(items: &[TimelineItem], is: impl Fn(&EventDetail) -> bool) -> u32 {
    items.iter().filter(|i| is(&i.detail)).count() as u32
}

/// The turns as the report times them, when it came and times every turn;
/// else as the events place them, each ending where its words would.
fn turns(items: &[TimelineItem], started_at: i64) -> Turns {
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
fn latency(turns: &[Turn]) -> Option<Latency> {
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
fn stall(turns: &[Turn]) -> Option<i64> {
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

fn talk(turns: &[Turn]) -> Option<Talk> {
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

/// Calls and errors per function; requests still without a result make
/// the error rate provisional.
fn tools(items: &[TimelineItem]) -> Measured<Vec<ToolStat>> {
    let mut stats: Vec<ToolStat> = Vec::new();
    let mut requests: Vec<(&str, u32)> = Vec::new();
    for item in items {
        match &item.detail {
            EventDetail::ToolCall {
                function, error, ..
            } => {
                let at = match stats.iter().position(|s| s.function == *function) {
                    Some(at) => at,
                    None => {
                        stats.push(ToolStat {
                            function: function.clone(),
                            calls: 0,
                            errors: 0,
                        });
                        stats.len() - 1
                    }
                };
                stats[at].calls += 1;
                stats[at].errors += u32::from(error.is_some());
            }
            EventDetail::ToolRequest { function, .. } => {
                match requests.iter_mut().find(|(f, _)| f == function) {
                    Some((_, n)) => *n += 1,
                    None => requests.push((function, 1)),
                }
            }
            _ => {}
        }
    }
    let untrusted = requests
        .iter()
        .filter_map(|(function, asked)| {
            let answered = stats
                .iter()
                .find(|s| s.function == *function)
                .map_or(0, |s| s.calls);
            (*asked > answered)
                .then(|| format!("{} {function} request(s) have no result", asked - answered))
        })
        .collect();
    Measured {
        value: (!stats.is_empty() || !requests.is_empty()).then_some(stats),
        untrusted,
    }
}

/// Who ended the call and why, from its end-call event and its report.
fn ending(items: &[TimelineItem], ended: bool) -> Measured<Ending> {
    let mut by = None;
    let mut reason = None;
    let mut told = false;
    for item in items {
        match &item.detail {
            EventDetail::End { ended_by } => {
                told = true;
                by = ended_by.clone().or(by);
            }
            EventDetail::Report { ended_reason, .. } => {
                told = true;
                reason = ended_reason.clone().or(reason);
            }
            _ => {}
        }
    }
    if !told {
        return Measured {
            value: None,
            untrusted: if ended {
                vec!["neither an end-call event nor a report arrived".to_string()]
            } else {
                Vec::new()
            },
        };
    }
    let untrusted = match (
        by.as_deref().and_then(side),
        reason.as_deref().and_then(side),
    ) {
        (Some(said), Some(reported)) if said != reported => vec![format!(
            "the end-call event says {} ended it, the report's reason says {}",
            by.as_deref().unwrap_or_default(),
            reason.as_deref().unwrap_or_default()
        )],
        _ => Vec::new(),
    };
    Measured {
        value: Some(Ending { by, reason }),
        untrusted,
    }
}

/// Which side an end names: the caller or the agent (none when it does not say).
fn side(said: &str) -> Option<Role> {
    let said = said.to_ascii_lowercase();
    if ["customer", "user", "caller"]
        .iter()
        .any(|w| said.contains(w))
    {
        Some(Role::User)
    } else if ["assistant", "agent", "bot"]
        .iter()
        .any(|w| said.contains(w))
    {
        Some(Role::Agent)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
