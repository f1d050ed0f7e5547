//! Rate rules: "more than N % of the calls of the last M minutes had X".
//! What X can be, how bad crossing the line is, and the share itself.

use serde::{Deserialize, Serialize};

use super::CallSummary;

/// What a rate rule counts calls with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RateOf {
    /// A tool call that failed.
    #[default]
    ToolError,
    /// A hang notification.
    Hang,
    /// An agent slower to answer (median) than the rule's seconds.
    SlowAnswer,
    /// An ending not on the normal list.
    AbnormalEnd,
}

impl RateOf {
    pub const ALL: [RateOf; 4] = [
        RateOf::ToolError,
        RateOf::Hang,
        RateOf::SlowAnswer,
        RateOf::AbnormalEnd,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RateOf::ToolError => "tool-error",
            RateOf::Hang => "hang",
            RateOf::SlowAnswer => "slow-answer",
            RateOf::AbnormalEnd => "abnormal-end",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// "had a tool error", for sentences.
    pub fn had(self, seconds: f64) -> String {
        match self {
            RateOf::ToolError => "had a tool error".into(),
            RateOf::Hang => "had a hang".into(),
            RateOf::SlowAnswer => format!("answered slower than {seconds} s"),
            RateOf::AbnormalEnd => "ended abnormally".into(),
        }
    }
}

/// How much crossing the line matters: said first in the alert's reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Info,
    #[default]
    Warning,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Info, Severity::Warning, Severity::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "Info",
            Severity::Warning => "Warning",
            Severity::Critical => "Critical",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// One call as a rate rule sees it: its summary and, for slow answers,
/// its median answer time.
pub struct Rated<'a> {
    pub call: &'a CallSummary,
    pub latency_p50_ms: Option<i64>,
}

/// How many of `calls` have `of` (ending against `normal`, answers against
/// `seconds`), and how many there are.
pub fn share(calls: &[Rated], of: RateOf, seconds: f64, normal: &[String]) -> (u32, u32) {
    let has = |r: &Rated| match of {
        RateOf::ToolError => r.call.n_tool_errors > 0,
        RateOf::Hang => r.call.n_hangs > 0,
        RateOf::SlowAnswer => r
            .latency_p50_ms
            .is_some_and(|ms| ms as f64 > seconds * 1000.0),
        RateOf::AbnormalEnd => {
            !r.call.is_live()
                && r.call
                    .end_code()
                    .is_some_and(|code| !normal.iter().any(|n| n.eq_ignore_ascii_case(code.trim())))
        }
    };
    let matching = calls.iter().filter(|r| has(r)).count() as u32;
    (matching, calls.len() as u32)
}

/// Whether `matching` of `total` is over the line: at least `min_calls`
/// calls, and `percent` % or more of them.
pub fn crossed(matching: u32, total: u32, percent: u32, min_calls: u32) -> bool {
    total > 0
        && total >= min_calls
        && u64::from(matching) * 100 >= u64::from(percent) * u64::from(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventDetail, TimelineItem};

    fn call(id: &str, tool_errors: i64) -> CallSummary {
        let item = TimelineItem {
            id: 1,
            call_id: id.into(),
            occurred_at: 0,
            seconds_from_start: None,
            received_at: 0,
            detail: EventDetail::End {
                ended_by: Some("user".into()),
            },
            raw: String::new(),
            clipped: false,
        };
        let mut c = CallSummary::new("infer", &item);
        c.n_tool_errors = tool_errors;
        c
    }

    #[test]
    fn the_share_counts_calls_with_it_and_the_line_needs_enough_calls() {
        let calls: Vec<CallSummary> = (0..10)
            .map(|i| call(&format!("c{i}"), i64::from(i < 3)))
            .collect();
        let rated: Vec<Rated> = calls
            .iter()
            .map(|call| Rated {
                call,
                latency_p50_ms: None,
            })
            .collect();
        assert_eq!(share(&rated, RateOf::ToolError, 0.0, &[]), (3, 10));
        assert!(crossed(3, 10, 30, 5));
        assert!(!crossed(2, 10, 30, 5));
        assert!(!crossed(3, 4, 30, 5), "too few calls to say");
        assert_eq!(
            share(&rated, RateOf::AbnormalEnd, 0.0, &["user".into()]),
            (0, 10)
        );
        assert_eq!(share(&rated, RateOf::AbnormalEnd, 0.0, &[]), (10, 10));
        let slow = [Rated {
            call: &calls[0],
            latency_p50_ms: Some(2_500),
        }];
        assert_eq!(share(&slow, RateOf::SlowAnswer, 2.0, &[]), (1, 1));
        assert_eq!(share(&slow, RateOf::SlowAnswer, 3.0, &[]), (0, 1));
    }
}
