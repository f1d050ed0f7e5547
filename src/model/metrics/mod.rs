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
mod turns;
pub use show::Shown;

use super::latency::{self, PartMs, Waterfall};
use super::{EventDetail, Role, TimelineItem};
use turns::{latency, stall, talk, turns, Turns};

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
    /// Requests still without a result.
    #[serde(default)]
    pub pending: u32,
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
    /// Total time nobody spoke for at least [`SILENCE_MS`](crate::model::overview::SILENCE_MS).
    pub stall_ms: Measured<i64>,
    pub hangs: u32,
    pub interruptions: Measured<Interruptions>,
    pub talk: Measured<Talk>,
    /// Per function, in the order first called.
    pub tools: Measured<Vec<ToolStat>>,
    pub ending: Measured<Ending>,
    /// Each latency part's median over the answers its source measured
    /// ([`crate::model::latency`]); empty when no source reported parts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub latency_parts: Vec<PartMs>,
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

/// The latency of the answers whose silence the source measured.
fn heard(reported: &[Waterfall]) -> Option<Latency> {
    let mut heard: Vec<i64> = reported.iter().filter_map(|w| w.heard_ms).collect();
    heard.sort_unstable();
    Some(Latency {
        p50_ms: *heard.get(heard.len().checked_sub(1)? / 2)?,
        max_ms: *heard.last()?,
        answers: heard.len() as u32,
    })
}

/// The metrics of a call from its events (in timeline order); `ended` says
/// whether the call is over (a live call's end is not missing yet).
pub fn compute(items: &[TimelineItem], started_at: i64, ended: bool) -> CallMetrics {
    measure(items, &turns(items, started_at), ended)
}

/// The metrics of a call from its events and its turns as placed.
fn measure(items: &[TimelineItem], turns: &Turns, ended: bool) -> CallMetrics {
    let missing = turns.listed.filter(|l| *l > turns.arrived).map(|listed| {
        format!(
            "the report lists {listed} turns but {} arrived as events",
            turns.arrived
        )
    });
    let reported: Vec<Waterfall> = latency::responses(items)
        .into_iter()
        .map(|(_, w)| w)
        .collect();
    // The silence the source measured, where it did; else estimated from
    // the turns as placed.
    let latency = match heard(&reported) {
        Some(l) => Measured::new(Some(l), &[]),
        None => Measured::new(latency(&turns.turns), &turns.untrusted),
    };
    CallMetrics {
        latency,
        latency_parts: latency::part_medians(&reported),
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

/// As [`compute`] for a call still live at `now` (epoch ms): the silence
/// since its last turn, once it is [`SILENCE_MS`](crate::model::overview::SILENCE_MS)
/// or more, counts as stall — a live call gone quiet reads as stalled.
pub fn compute_live(items: &[TimelineItem], started_at: i64, now: i64) -> CallMetrics {
    let turns = turns(items, started_at);
    let mut m = measure(items, &turns, false);
    let heard_until = turns.turns.iter().map(|t| t.end).max();
    if let (Some(stall), Some(heard_until)) = (m.stall_ms.value.as_mut(), heard_until) {
        let quiet = now - started_at - heard_until;
        if quiet >= crate::model::overview::SILENCE_MS {
            *stall += quiet;
        }
    }
    m
}

fn count(items: &[TimelineItem], is: impl Fn(&EventDetail) -> bool) -> u32 {
    items.iter().filter(|i| is(&i.detail)).count() as u32
}

/// Calls, errors and pending requests per function.
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
                            pending: 0,
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
    // A request without its result is pending, said as such: the counts
    // are exact either way.
    for (function, asked) in requests {
        match stats.iter_mut().find(|s| s.function == function) {
            Some(stat) => stat.pending = asked.saturating_sub(stat.calls),
            None => stats.push(ToolStat {
                function: function.to_string(),
                calls: 0,
                errors: 0,
                pending: asked,
            }),
        }
    }
    Measured {
        value: (!stats.is_empty()).then_some(stats),
        untrusted: Vec::new(),
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
