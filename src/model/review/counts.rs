//! How many calls reviewers flagged for each reason, for `/insights`.

use serde::{Deserialize, Serialize};

/// How many of the selected calls reviewers flagged for each reason.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FlagCounts {
    /// `(bucket start, reason code, calls)`, oldest first.
    pub over_time: Vec<(i64, String, i64)>,
    /// `(agent, reason code, calls)`; calls whose source names no agent
    /// under "".
    pub by_agent: Vec<(String, String, i64)>,
}

impl FlagCounts {
    pub fn is_empty(&self) -> bool {
        self.over_time.is_empty()
    }

    /// The reasons counted, most calls first.
    pub fn reasons(&self) -> Vec<String> {
        let mut totals: Vec<(String, i64)> = Vec::new();
        for (_, reason, n) in &self.over_time {
            match totals.iter_mut().find(|(r, _)| r == reason) {
                Some(total) => total.1 += n,
                None => totals.push((reason.clone(), *n)),
            }
        }
        totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        totals.into_iter().map(|(r, _)| r).collect()
    }

    /// `(row, counts in the order of `reasons`)` for `rows` keyed as given.
    pub fn table<K: Clone + PartialEq>(
        rows: &[(K, String, i64)],
        reasons: &[String],
    ) -> Vec<(K, Vec<i64>)> {
        let mut out: Vec<(K, Vec<i64>)> = Vec::new();
        for (key, reason, n) in rows {
            let Some(column) = reasons.iter().position(|r| r == reason) else {
                continue;
            };
            let row = match out.iter().position(|(k, _)| k == key) {
                Some(i) => &mut out[i],
                None => {
                    out.push((key.clone(), vec![0; reasons.len()]));
                    out.last_mut().expect("just pushed")
                }
            };
            row.1[column] += n;
        }
        out
    }
}
