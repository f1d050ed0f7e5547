//! How each metric reads in a list cell and in the call header: a short
//! text, the detail behind it, and why it cannot be trusted when it cannot.

use super::{CallMetrics, Measured};
use crate::model::format;

/// One metric as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// The name of the metric.
    pub label: &'static str,
    /// The figure (`—` when there is none), marked `≈` when untrusted.
    pub text: String,
    /// What the figure stands for, in a sentence.
    pub detail: String,
    /// Why it cannot be trusted, when it cannot.
    pub untrusted: Option<String>,
}

fn seconds(ms: i64) -> String {
    if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format::duration(ms)
    }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn shown<T>(
    label: &'static str,
    m: &Measured<T>,
    text: impl Fn(&T) -> String,
    detail: impl Fn(&T) -> String,
    none: &str,
) -> Shown {
    let untrusted = (!m.is_trusted()).then(|| m.why());
    match &m.value {
        Some(v) if untrusted.is_some() && text(v) == "0.0 s" => Shown {
            label,
            text: "—".to_string(),
            detail: "too little to estimate".to_string(),
            untrusted,
        },
        Some(v) => Shown {
            label,
            text: if untrusted.is_some() {
                format!("≈{}", text(v))
            } else {
                text(v)
            },
            detail: detail(v),
            untrusted,
        },
        None => Shown {
            label,
            text: "—".to_string(),
            detail: none.to_string(),
            untrusted,
        },
    }
}

impl CallMetrics {
    /// The metrics in the order the list's columns and the header show them.
    pub fn shown(&self) -> [Shown; 5] {
        [
            shown(
                "Latency",
                &self.latency,
                |l| seconds(l.p50_ms),
                |l| {
                    let parts = match self.latency_parts.is_empty() {
                        true => String::new(),
                        false => {
                            let each: Vec<String> = self
                                .latency_parts
                                .iter()
                                .map(|p| format!("{} {} ms", p.part.label(), p.ms))
                                .collect();
                            format!("; median parts: {}", each.join(", "))
                        }
                    };
                    format!(
                        "agent answered in {} (median), {} at worst, over {} answers{parts}",
                        seconds(l.p50_ms),
                        seconds(l.max_ms),
                        l.answers
                    )
                },
                "no caller turn answered by the agent yet",
            ),
            shown(
                "Stall",
                &self.stall_ms,
                |ms| seconds(*ms),
                |ms| {
                    format!(
                        "{} with nobody speaking (gaps of 3 s or more); {} hang notification(s)",
                        seconds(*ms),
                        self.hangs
                    )
                },
                "no turn yet",
            ),
            shown(
                "Interruptions",
                &self.interruptions,
                |i| match i.count {
                    0 => "0".to_string(),
                    n => format!("{n} · {}", percent(i.per_agent_turn)),
                },
                |i| {
                    format!(
                        "{} interruption(s), {} per agent turn",
                        i.count,
                        percent(i.per_agent_turn)
                    )
                },
                "no agent turn yet",
            ),
            shown(
                "Talk",
                &self.talk,
                |t| {
                    t.agent_share()
                        .map_or("—".to_string(), |s| format!("agent {}", percent(s)))
                },
                |t| {
                    format!(
                        "agent spoke {}, the caller {}",
                        seconds(t.agent_ms),
                        seconds(t.user_ms)
                    )
                },
                "no turn yet",
            ),
            shown(
                "Tools",
                &self.tools,
                |tools| {
                    let calls: u32 = tools.iter().map(|t| t.calls).sum();
                    let errors: u32 = tools.iter().map(|t| t.errors).sum();
                    let pending: u32 = tools.iter().map(|t| t.pending).sum();
                    let done = match (errors, calls) {
                        (0, 0) => None,
                        (0, _) => Some(format!("{calls} ok")),
                        _ => Some(format!("{errors}/{calls} failed")),
                    };
                    let waiting = (pending > 0).then(|| format!("{pending} pending"));
                    [done, waiting]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" · ")
                },
                |tools| {
                    let each: Vec<String> = tools
                        .iter()
                        .map(|t| {
                            let mut s =
                                format!("{}: {} of {} failed", t.function, t.errors, t.calls);
                            if t.pending > 0 {
                                s.push_str(&format!(", {} without a result yet", t.pending));
                            }
                            s
                        })
                        .collect();
                    each.join("; ")
                },
                "no tool called",
            ),
        ]
    }

    /// Who ended the call and why, as a sentence.
    pub fn ending_shown(&self) -> Shown {
        shown(
            "Ended",
            &self.ending,
            |e| match (&e.by, &e.reason) {
                (Some(by), Some(reason)) => {
                    format!("by {by} ({})", reason.replace(['-', '_'], " "))
                }
                (Some(by), None) => format!("by {by}"),
                (None, Some(reason)) => reason.replace(['-', '_'], " "),
                (None, None) => "ended, no reason given".to_string(),
            },
            |_| "as the end-call event and the report say".to_string(),
            "not yet",
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::model::metrics::*;

    fn measured<T>(value: Option<T>, why: &[&str]) -> Measured<T> {
        Measured {
            value,
            untrusted: why.iter().map(|w| w.to_string()).collect(),
        }
    }

    #[test]
    fn untrusted_figures_are_marked_and_say_why() {
        let m = CallMetrics {
            latency_parts: Vec::new(),
            latency: measured(
                Some(Latency {
                    p50_ms: 1_240,
                    max_ms: 3_000,
                    answers: 4,
                }),
                &["turn ends estimated from word count"],
            ),
            stall_ms: measured(Some(75_000), &[]),
            hangs: 1,
            interruptions: measured(None, &[]),
            talk: measured(
                Some(Talk {
                    agent_ms: 3_000,
                    user_ms: 1_000,
                }),
                &[],
            ),
            tools: measured(
                Some(vec![ToolStat {
                    function: "book".into(),
                    calls: 3,
                    errors: 1,
                    pending: 0,
                }]),
                &[],
            ),
            ending: measured(None, &["neither an end-call event nor a report arrived"]),
        };
        let [latency, stall, interruptions, talk, tools] = m.shown();
        assert_eq!(latency.text, "≈1.2 s");
        assert_eq!(
            latency.untrusted.as_deref(),
            Some("turn ends estimated from word count")
        );
        assert!(latency.detail.contains("3.0 s at worst, over 4 answers"));
        assert_eq!(stall.text, "1m 15s");
        assert_eq!(stall.untrusted, None);
        assert_eq!(interruptions.text, "—");
        assert_eq!(talk.text, "agent 75%");
        assert_eq!(tools.text, "1/3 failed");
        assert_eq!(tools.detail, "book: 1 of 3 failed");
        let ended = m.ending_shown();
        assert_eq!(ended.text, "—");
        assert!(ended.untrusted.unwrap().contains("neither"));
    }

    #[test]
    fn a_degenerate_estimate_shows_no_number() {
        let m = CallMetrics {
            latency_parts: Vec::new(),
            latency: measured(
                Some(Latency {
                    p50_ms: 20,
                    max_ms: 40,
                    answers: 3,
                }),
                &["turn ends estimated from word count"],
            ),
            stall_ms: measured(Some(0), &["turn ends estimated from word count"]),
            hangs: 0,
            interruptions: measured(None, &[]),
            talk: measured(None, &[]),
            tools: measured(None, &[]),
            ending: measured(None, &[]),
        };
        let [latency, stall, ..] = m.shown();
        assert_eq!(latency.text, "—");
        assert_eq!(latency.detail, "too little to estimate");
        assert_eq!(stall.text, "—");
        // Trusted, a small figure is a figure.
        let exact = CallMetrics {
            latency_parts: Vec::new(),
            latency: measured(
                Some(Latency {
                    p50_ms: 20,
                    max_ms: 40,
                    answers: 3,
                }),
                &[],
            ),
            ..m
        };
        assert_eq!(exact.shown()[0].text, "0.0 s");
    }
}
