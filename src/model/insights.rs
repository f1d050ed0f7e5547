//! `/insights`: the calls a query selects, over time — calls per hour or
//! day by outcome, tool error rate per function, hangs and interruptions per
//! call, turn latency p50 / p95 — each point linking to the calls behind it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::latency::LatencyPart;
pub use super::review::FlagCounts;

use super::format::url_segment;
use super::query::filter_term;
use super::time::{DAY_MS, HOUR_MS, MINUTE_MS, WEEK_MS};

/// Up to this span the charts count by minute,
pub const MINUTELY_SPAN_MS: i64 = HOUR_MS;
/// up to this by five minutes,
pub const FIVE_MINUTELY_SPAN_MS: i64 = 6 * HOUR_MS;
/// More hours than this and the charts count by day.
pub const HOURLY_SPAN_MS: i64 = 72 * HOUR_MS;
/// More days than this and they count by week.
pub const DAILY_SPAN_MS: i64 = 120 * DAY_MS;
/// At most this many buckets are drawn (the newest).
pub const MAX_BUCKETS: usize = 120;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Minute,
    FiveMinutes,
    Hour,
    Day,
    /// Seven days from a Thursday (weeks of the Unix epoch).
    Week,
}

impl Step {
    /// Minutes for a span up to an hour, five minutes up to six, hours up
    /// to [`HOURLY_SPAN_MS`], days up to [`DAILY_SPAN_MS`], else weeks: the
    /// bars follow the range.
    pub fn for_span(span_ms: i64) -> Step {
        if span_ms <= MINUTELY_SPAN_MS {
            Step::Minute
        } else if span_ms <= FIVE_MINUTELY_SPAN_MS {
            Step::FiveMinutes
        } else if span_ms <= HOURLY_SPAN_MS {
            Step::Hour
        } else if span_ms <= DAILY_SPAN_MS {
            Step::Day
        } else {
            Step::Week
        }
    }

    pub fn ms(self) -> i64 {
        match self {
            Step::Minute => MINUTE_MS,
            Step::FiveMinutes => 5 * MINUTE_MS,
            Step::Hour => HOUR_MS,
            Step::Day => DAY_MS,
            Step::Week => WEEK_MS,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::Minute => "minute",
            Step::FiveMinutes => "5 minutes",
            Step::Hour => "hour",
            Step::Day => "day",
            Step::Week => "week",
        }
    }
}

/// The calls that started in one hour or day.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// Its start (epoch ms, UTC).
    pub start: i64,
    pub calls: i64,
    pub ended: i64,
    pub transferred: i64,
    pub live: i64,
    pub hangs: i64,
    pub interruptions: i64,
    /// Median and 95th percentile of the calls' median turn latency (ms),
    /// over the calls measured.
    pub latency_p50: Option<i64>,
    pub latency_p95: Option<i64>,
    /// How many of those latencies were estimates.
    pub latency_estimated: i64,
}

impl Bucket {
    pub fn per_call(&self, n: i64) -> f64 {
        if self.calls == 0 {
            0.0
        } else {
            n as f64 / self.calls as f64
        }
    }
}

/// A group's p50 and p95 (its values at [`Percentiles::at`] in order), its
/// size and how many of its values were marked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Percentiles {
    pub n: i64,
    pub p50: i64,
    pub p95: i64,
    pub marked: i64,
}

impl Percentiles {
    /// Where percentile `p` of `n` values in order stands (0-based).
    pub fn at(n: i64, p: i64) -> i64 {
        (n - 1) * p / 100
    }

    /// A group's figures from its whole numbers as the database lists them
    /// (comma-separated, in any order); anything else in the list is an
    /// error.
    pub fn of_listed(listed: &str, marked: i64) -> Result<Percentiles, String> {
        let mut values = listed
            .split(',')
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| format!("{v:?} in a listed group is not a whole number"))
            })
            .collect::<Result<Vec<i64>, String>>()?;
        values.sort_unstable();
        let n = values.len() as i64;
        let at = |p| values[Self::at(n, p) as usize];
        Ok(Percentiles {
            n,
            p50: at(50),
            p95: at(95),
            marked,
        })
    }
}

/// How one latency part spread over the selected calls: p50 and p95 of
/// the calls' medians, over the calls whose source reported it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartSpread {
    /// `None`: the whole silence heard.
    pub part: Option<LatencyPart>,
    pub calls: i64,
    pub p50_ms: i64,
    pub p95_ms: i64,
}

impl PartSpread {
    /// Each part's spread from each group's [`Percentiles`] (`""`: the whole
    /// silence heard; else a part's key), the whole first, then every part
    /// in order, a part no call reported left out. A group that names no
    /// part is an error.
    pub fn of(groups: &HashMap<String, Percentiles>) -> Result<Vec<PartSpread>, String> {
        if let Some(odd) = groups
            .keys()
            .find(|k| !k.is_empty() && !LatencyPart::ALL.iter().any(|p| p.key() == *k))
        {
            return Err(format!("{odd:?} is not a latency part"));
        }
        let spread = |part: Option<LatencyPart>| {
            let key = part.map_or("", LatencyPart::key);
            groups.get(key).map(|p| PartSpread {
                part,
                calls: p.n,
                p50_ms: p.p50,
                p95_ms: p.p95,
            })
        };
        Ok(std::iter::once(None)
            .chain(LatencyPart::ALL.into_iter().map(Some))
            .filter_map(spread)
            .collect())
    }

    pub fn label(&self) -> &'static str {
        self.part
            .map_or("the whole silence heard", LatencyPart::label)
    }
}

/// Tool calls of one function in the selected calls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolRate {
    pub function: String,
    pub calls: i64,
    pub errors: i64,
}

impl ToolRate {
    pub fn rate(&self) -> f64 {
        if self.calls == 0 {
            0.0
        } else {
            self.errors as f64 / self.calls as f64
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InsightsPage {
    /// The query as typed.
    pub q: String,
    /// Why the query could not be read.
    pub error: Option<String>,
    pub step: Step,
    /// Oldest first, without gaps.
    pub buckets: Vec<Bucket>,
    pub tools: Vec<ToolRate>,
    /// The latency parts sources reported, over the selected calls.
    #[serde(default)]
    pub latency_parts: Vec<PartSpread>,
    /// Calls flagged for each reason, per bucket and per agent.
    #[serde(default)]
    pub flags: FlagCounts,
    /// Calls selected in all (also those before the buckets drawn).
    pub total: i64,
    /// Whether older buckets were left out.
    pub cut: bool,
}

/// Buckets of `step` from the one holding `first` to the one holding
/// `last`, filled from `found` (sorted by start) and zero elsewhere; the
/// newest [`MAX_BUCKETS`] only. Returns them and whether any were left out.
pub fn fill(found: Vec<Bucket>, step: Step, first: i64, last: i64) -> (Vec<Bucket>, bool) {
    let size = step.ms();
    let last = last.div_euclid(size) * size;
    let mut start = first.div_euclid(size) * size;
    let cut = (last - start) / size >= MAX_BUCKETS as i64;
    if cut {
        start = last - (MAX_BUCKETS as i64 - 1) * size;
    }
    let mut found = found.into_iter().peekable();
    let mut out = Vec::new();
    while start <= last {
        while found.next_if(|b| b.start < start).is_some() {}
        out.push(match found.next_if(|b| b.start == start) {
            Some(b) => b,
            None => Bucket {
                start,
                ..Bucket::default()
            },
        });
        start += size;
    }
    (out, cut)
}

fn minute(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

fn day(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// A bucket's name on the axis and in hovers (UTC).
pub fn bucket_label(start: i64, step: Step) -> String {
    let format = match step {
        Step::Minute | Step::FiveMinutes => "%H:%M",
        Step::Hour => "%b %-d %H:00",
        Step::Day => "%b %-d",
        Step::Week => "week of %b %-d",
    };
    DateTime::<Utc>::from_timestamp_millis(start)
        .map(|t| t.format(format).to_string())
        .unwrap_or_default()
}

/// The query `q` narrowed by `more` terms.
fn narrowed(q: &str, more: &str) -> String {
    match q.trim() {
        "" => more.to_string(),
        q => format!("{q} {more}"),
    }
}

/// The calls list of the calls behind one bucket.
pub fn bucket_link(q: &str, start: i64, step: Step, more: &str) -> String {
    let when = match step {
        Step::Day => format!("started:{}", day(start)),
        Step::Week => format!("started>={} started<{}", day(start), day(start + WEEK_MS)),
        Step::Minute | Step::FiveMinutes | Step::Hour => format!(
            "started>={} started<{}",
            minute(start),
            minute(start + step.ms())
        ),
    };
    let q = narrowed(q, &format!("{when} {more}"));
    format!("/?q={}", url_segment(q.trim()))
}

/// The calls list of the calls with failed calls of `function`.
pub fn tool_link(q: &str, function: &str) -> String {
    let q = narrowed(
        q,
        &format!("{} has:tool_error", filter_term("tool", function)),
    );
    format!("/?q={}", url_segment(&q))
}

/// The round number at or above `max` an axis ends at (1, 2, 5 × 10ⁿ).
pub fn axis_top(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|top| *top >= max)
        .unwrap_or(10.0 * power)
}

#[cfg(test)]
mod part_tests {
    use super::*;

    #[test]
    fn parts_spread_over_the_calls_that_report_them() {
        // Three calls' LLM parts, one call's voice part, and the whole
        // heard on two calls, as the database lists them.
        let listed = |l: &str| Percentiles::of_listed(l, 0).unwrap();
        let groups = HashMap::from([
            (String::new(), listed("1200,1000")),
            ("llm".to_string(), listed("400,300,900")),
            ("tts".to_string(), listed("200")),
        ]);
        let spread = PartSpread::of(&groups).unwrap();
        let row = |part| {
            spread
                .iter()
                .find(|s| s.part == part)
                .map(|s| (s.calls, s.p50_ms, s.p95_ms))
        };
        assert_eq!(spread[0].part, None, "the whole first");
        assert_eq!(row(None), Some((2, 1000, 1000)));
        assert_eq!(row(Some(LatencyPart::Llm)), Some((3, 400, 400)));
        assert_eq!(row(Some(LatencyPart::Tts)), Some((1, 200, 200)));
        assert_eq!(
            row(Some(LatencyPart::Tool)),
            None,
            "not reported is not zero"
        );
        assert!(PartSpread::of(&Default::default()).unwrap().is_empty());
        let odd = HashMap::from([("warp".to_string(), listed("1"))]);
        assert!(PartSpread::of(&odd).is_err(), "an unknown part is an error");
    }

    #[test]
    fn percentiles_of_a_listed_group() {
        // 20 values, listed out of order: p50 at index 9, p95 at index 18.
        let listed: Vec<String> = (1..=20).rev().map(|v| (v * 10).to_string()).collect();
        assert_eq!(
            Percentiles::of_listed(&listed.join(","), 3),
            Ok(Percentiles {
                n: 20,
                p50: 100,
                p95: 190,
                marked: 3
            })
        );
        assert!(Percentiles::of_listed("12,x", 0).is_err());
        assert!(Percentiles::of_listed("", 0).is_err());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: i64, hour: i64) -> i64 {
        1_780_000_000_000 / DAY_MS * DAY_MS + day * DAY_MS + hour * HOUR_MS
    }

    #[test]
    fn buckets_fill_gaps_and_keep_the_newest() {
        let found = vec![
            Bucket {
                start: at(0, 1),
                calls: 2,
                ..Bucket::default()
            },
            Bucket {
                start: at(0, 4),
                calls: 1,
                ..Bucket::default()
            },
        ];
        let (buckets, cut) = fill(found, Step::Hour, at(0, 1) + 5, at(0, 4) + 59_000);
        assert!(!cut);
        assert_eq!(
            buckets.iter().map(|b| b.calls).collect::<Vec<_>>(),
            [2, 0, 0, 1]
        );
        assert_eq!(buckets[1].start, at(0, 2));

        let (buckets, cut) = fill(Vec::new(), Step::Day, at(0, 0), at(500, 0));
        assert!(cut);
        assert_eq!(buckets.len(), MAX_BUCKETS);
        assert_eq!(buckets.last().unwrap().start, at(500, 0));
        assert_eq!(Step::for_span(500 * DAY_MS), Step::Week);
        assert_eq!(Step::for_span(100 * DAY_MS), Step::Day);
    }

    #[test]
    fn links_narrow_the_query_to_the_bucket() {
        let start = DateTime::parse_from_rfc3339("2026-05-01T14:00:00Z")
            .unwrap()
            .timestamp_millis();
        assert_eq!(
            bucket_link("has:hang", start, Step::Hour, ""),
            "/?q=has%3Ahang%20started%3E%3D2026-05-01T14%3A00%20started%3C2026-05-01T15%3A00"
        );
        assert_eq!(
            bucket_link("", start, Step::Day, "status:transferred"),
            "/?q=started%3A2026-05-01%20status%3Atransferred"
        );
        assert_eq!(
            tool_link("", "book slot"),
            "/?q=tool%3A%22book%20slot%22%20has%3Atool_error"
        );
        assert_eq!(bucket_label(start, Step::Hour), "May 1 14:00");
        let thursday = DateTime::parse_from_rfc3339("2026-04-30T00:00:00Z")
            .unwrap()
            .timestamp_millis();
        assert_eq!(
            thursday % WEEK_MS,
            0,
            "weeks of the epoch start on Thursdays"
        );
        assert_eq!(
            bucket_link("", thursday, Step::Week, ""),
            "/?q=started%3E%3D2026-04-30%20started%3C2026-05-07"
        );
    }

    #[test]
    fn axes_end_at_round_numbers() {
        assert_eq!(axis_top(0.0), 1.0);
        assert_eq!(axis_top(7.0), 10.0);
        assert_eq!(axis_top(13.0), 20.0);
        assert_eq!(axis_top(0.31), 0.5);
        assert_eq!(axis_top(2_000.0), 2_000.0);
    }

    #[test]
    fn bars_follow_the_range() {
        assert_eq!(Step::for_span(40 * MINUTE_MS), Step::Minute);
        assert_eq!(Step::for_span(3 * HOUR_MS), Step::FiveMinutes);
        assert_eq!(Step::for_span(30 * HOUR_MS), Step::Hour);
        assert_eq!(Step::for_span(30 * DAY_MS), Step::Day);
        let start = DateTime::parse_from_rfc3339("2026-05-01T14:05:00Z")
            .unwrap()
            .timestamp_millis();
        assert_eq!(bucket_label(start, Step::FiveMinutes), "14:05");
        assert_eq!(
            bucket_link("", start, Step::FiveMinutes, ""),
            "/?q=started%3E%3D2026-05-01T14%3A05%20started%3C2026-05-01T14%3A10"
        );
    }
}
