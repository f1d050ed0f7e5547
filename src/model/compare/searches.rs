//! Two searches side by side ("agent:v1" against "agent:v2"): each one's
//! calls summed up, and the figures that differ by a tenth or more marked.

use serde::{Deserialize, Serialize};

use crate::model::format;
use crate::model::review::score_text;

/// The calls one search selects, summed up.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchSummary {
    pub calls: i64,
    pub ended: i64,
    pub transferred: i64,
    /// Mean length of the finished calls.
    pub mean_duration_ms: Option<f64>,
    pub hangs: i64,
    pub interruptions: i64,
    pub tool_calls: i64,
    pub tool_errors: i64,
    /// The median of the measured calls' median answer time.
    pub latency_p50_ms: Option<i64>,
    /// Calls flagged for each reason, most first.
    pub flags: Vec<(String, i64)>,
    /// The reviewers' mean score.
    pub mean_score: Option<f64>,
    /// Calls someone marked reviewed.
    pub reviewed: i64,
}

/// One figure of both searches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FigureRow {
    pub label: String,
    pub a: String,
    pub b: String,
    /// The two differ by a tenth (of the larger) or more.
    pub differs: bool,
}

/// `/compare?qa=…&qb=…`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchesPage {
    pub qa: String,
    pub qb: String,
    pub a: SearchSummary,
    pub b: SearchSummary,
}

/// Whether two figures differ by a tenth of the larger or more.
fn differs(a: f64, b: f64) -> bool {
    let larger = a.abs().max(b.abs());
    larger > 0.0 && (a - b).abs() >= larger / 10.0
}

fn share(part: i64, of: i64) -> Option<f64> {
    (of > 0).then(|| part as f64 / of as f64)
}

fn percent(value: Option<f64>) -> String {
    value.map_or("—".into(), |v| format!("{:.0} %", v * 100.0))
}

fn per_call(value: Option<f64>) -> String {
    value.map_or("—".into(), |v| format!("{v:.2}"))
}

impl SearchesPage {
    /// The figures, each with both searches' value.
    pub fn rows(&self) -> Vec<FigureRow> {
        let (a, b) = (&self.a, &self.b);
        let row = |label: &str,
                   fa: Option<f64>,
                   fb: Option<f64>,
                   show: &dyn Fn(Option<f64>) -> String| FigureRow {
            label: label.to_string(),
            a: show(fa),
            b: show(fb),
            differs: match (fa, fb) {
                (Some(x), Some(y)) => differs(x, y),
                (None, None) => false,
                _ => true,
            },
        };
        let count = |v: Option<f64>| v.map_or("—".into(), |v| format!("{v:.0}"));
        let mut rows = vec![
            row("Calls", Some(a.calls as f64), Some(b.calls as f64), &count),
            row(
                "Ended by transfer",
                share(a.transferred, a.calls),
                share(b.transferred, b.calls),
                &percent,
            ),
            row(
                "Mean length",
                a.mean_duration_ms,
                b.mean_duration_ms,
                &|v| v.map_or("—".into(), |ms| format::duration(ms as i64)),
            ),
            row(
                "Answer latency (median)",
                a.latency_p50_ms.map(|v| v as f64),
                b.latency_p50_ms.map(|v| v as f64),
                &|v| v.map_or("—".into(), |ms| format!("{ms:.0} ms")),
            ),
            row(
                "Tool error rate",
                share(a.tool_errors, a.tool_calls),
                share(b.tool_errors, b.tool_calls),
                &percent,
            ),
            row(
                "Hangs per call",
                share(a.hangs, a.calls),
                share(b.hangs, b.calls),
                &per_call,
            ),
            row(
                "Interruptions per call",
                share(a.interruptions, a.calls),
                share(b.interruptions, b.calls),
                &per_call,
            ),
            row(
                "Reviewed",
                share(a.reviewed, a.calls),
                share(b.reviewed, b.calls),
                &percent,
            ),
            row("Mean score", a.mean_score, b.mean_score, &|v| {
                v.map_or("—".into(), score_text)
            }),
        ];
        let mut reasons: Vec<&String> = a.flags.iter().chain(&b.flags).map(|(r, _)| r).collect();
        reasons.sort();
        reasons.dedup();
        for reason in reasons {
            let of =
                |s: &SearchSummary| s.flags.iter().find(|(r, _)| r == reason).map_or(0, |f| f.1);
            rows.push(row(
                &format!("Flagged {reason}"),
                share(of(a), a.calls),
                share(of(b), b.calls),
                &percent,
            ));
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_that_differ_by_a_tenth_are_marked() {
        let a = SearchSummary {
            calls: 10,
            tool_calls: 20,
            tool_errors: 2,
            hangs: 1,
            flags: vec![("tool_failed".into(), 2)],
            mean_score: Some(3.0),
            ..Default::default()
        };
        let b = SearchSummary {
            calls: 10,
            tool_calls: 20,
            tool_errors: 6,
            hangs: 1,
            mean_score: Some(3.0),
            ..Default::default()
        };
        let page = SearchesPage {
            qa: "agent:v1".into(),
            qb: "agent:v2".into(),
            a,
            b,
        };
        let rows = page.rows();
        let marked: Vec<&str> = rows
            .iter()
            .filter(|r| r.differs)
            .map(|r| r.label.as_str())
            .collect();
        assert_eq!(marked, ["Tool error rate", "Flagged tool_failed"]);
        let errors = rows.iter().find(|r| r.label == "Tool error rate").unwrap();
        assert_eq!((errors.a.as_str(), errors.b.as_str()), ("10 %", "30 %"));
        assert!(!differs(0.0, 0.0) && differs(1.0, 0.0) && !differs(100.0, 95.0));
    }
}
