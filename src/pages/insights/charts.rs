//! The insights charts as SVG markup, drawn on the server (readable without
//! JavaScript). Every bar and point is a link to the calls behind it, and
//! says what it stands for on hover (`<title>`).

use std::fmt::Write;

use crate::model::insights::{
    axis_top, bucket_label, bucket_link, tool_link, Bucket, InsightsPage,
};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 26.0;

/// Text made safe inside SVG markup.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The frame of a time chart: its grid, y labels and bucket labels.
struct Frame<'a> {
    page: &'a InsightsPage,
    top: f64,
    unit: &'a str,
}

impl<'a> Frame<'a> {
    fn slot(&self) -> f64 {
        (WIDTH - LEFT - RIGHT) / self.page.buckets.len().max(1) as f64
    }

    fn x(&self, i: usize) -> f64 {
        LEFT + self.slot() * i as f64
    }

    fn y(&self, value: f64) -> f64 {
        let plot = HEIGHT - TOP - BOTTOM;
        TOP + plot - (value / self.top).clamp(0.0, 1.0) * plot
    }

    /// A chart of `page` whose axis reaches `max`, opened with its label.
    fn start(page: &'a InsightsPage, max: f64, unit: &'a str, label: &str) -> (Self, String) {
        let frame = Frame {
            page,
            top: axis_top(max),
            unit,
        };
        let svg = frame.open(label);
        (frame, svg)
    }

    fn open(&self, label: &str) -> String {
        let mut svg = format!(
            r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" aria-label="{}" preserveAspectRatio="none">"#,
            esc(label)
        );
        for share in [0.0, 0.5, 1.0] {
            let value = self.top * share;
            let y = self.y(value);
            let _ = write!(
                svg,
                r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="axis" x="{}" y="{:.1}" text-anchor="end">{}{}</text>"#,
                WIDTH - RIGHT,
                LEFT - 6.0,
                y + 4.0,
                short(value),
                self.unit
            );
        }
        let every = self.page.buckets.len().div_ceil(8).max(1);
        for (i, b) in self.page.buckets.iter().enumerate().step_by(every) {
            let _ = write!(
                svg,
                r#"<text class="axis" x="{:.1}" y="{}">{}</text>"#,
                self.x(i) + 2.0,
                HEIGHT - 8.0,
                esc(&bucket_label(b.start, self.page.step))
            );
        }
        svg
    }
}

/// `12`, `1.5`, `0.25`.
fn short(value: f64) -> String {
    if value >= 10.0 || value == value.round() {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

fn link(href: &str, title: &str, shape: &str) -> String {
    format!(
        r#"<a href="{}"><title>{}</title>{shape}</a>"#,
        esc(href),
        esc(title)
    )
}

/// Calls per bucket, stacked by outcome.
pub fn calls(page: &InsightsPage) -> String {
    let max = page.buckets.iter().map(|b| b.calls).max().unwrap_or(0) as f64;
    let label = format!("Calls per {}, by outcome", page.step.label());
    let (frame, mut svg) = Frame::start(page, max, "", &label);
    let width = (frame.slot() * 0.8).max(1.0);
    for (i, b) in page.buckets.iter().enumerate() {
        let when = bucket_label(b.start, page.step);
        let mut base = 0.0;
        for (n, class, name, term) in [
            (b.ended, "ended", "ended", "status:ended"),
            (
                b.transferred,
                "transferred",
                "transferred",
                "status:transferred",
            ),
            (b.live, "live", "live", "status:live"),
        ] {
            if n == 0 {
                continue;
            }
            let (y0, y1) = (frame.y(base), frame.y(base + n as f64));
            base += n as f64;
            let rect = format!(
                r#"<rect class="{class}" x="{:.1}" y="{y1:.1}" width="{width:.1}" height="{:.1}"/>"#,
                frame.x(i),
                (y0 - y1).max(1.0)
            );
            let title = format!("{when}: {n} {name} of {} calls", b.calls);
            svg += &link(
                &bucket_link(&page.q, b.start, page.step, term),
                &title,
                &rect,
            );
        }
    }
    svg + "</svg>"
}

/// A line through one value per bucket, each point a link.
fn line(
    frame: &Frame,
    class: &str,
    points: impl Iterator<Item = (usize, f64, String, String)>,
) -> String {
    let mut path = Vec::new();
    let mut dots = String::new();
    for (i, value, href, title) in points {
        let (x, y) = (frame.x(i) + frame.slot() / 2.0, frame.y(value));
        path.push(format!("{x:.1},{y:.1}"));
        let dot = format!(r#"<circle class="{class}" cx="{x:.1}" cy="{y:.1}" r="4"/>"#);
        dots += &link(&href, &title, &dot);
    }
    format!(
        r#"<polyline class="{class}" fill="none" points="{}"/>{dots}"#,
        path.join(" ")
    )
}

/// Hangs and interruptions per call.
pub fn per_call(page: &InsightsPage) -> String {
    let with_calls = || page.buckets.iter().enumerate().filter(|(_, b)| b.calls > 0);
    let max = with_calls()
        .map(|(_, b)| b.per_call(b.hangs).max(b.per_call(b.interruptions)))
        .fold(0.0, f64::max);
    let label = format!(
        "Hangs and interruptions per call, per {}",
        page.step.label()
    );
    let (frame, mut svg) = Frame::start(page, max, "", &label);
    let series = |n: fn(&Bucket) -> i64, name: &'static str, term: &'static str| {
        with_calls().map(move |(i, b)| {
            (
                i,
                b.per_call(n(b)),
                bucket_link(&page.q, b.start, page.step, term),
                format!(
                    "{}: {:.2} {name} per call ({} in {} calls)",
                    bucket_label(b.start, page.step),
                    b.per_call(n(b)),
                    n(b),
                    b.calls
                ),
            )
        })
    };
    svg += &line(&frame, "hangs", series(|b| b.hangs, "hangs", "has:hang"));
    svg += &line(
        &frame,
        "interruptions",
        series(|b| b.interruptions, "interruptions", "has:interruption"),
    );
    svg + "</svg>"
}

/// Turn latency p50 and p95 (of the calls' medians), in seconds.
pub fn latency(page: &InsightsPage) -> String {
    let max = page
        .buckets
        .iter()
        .filter_map(|b| b.latency_p95)
        .max()
        .unwrap_or(0) as f64
        / 1000.0;
    let label = format!("Turn latency p50 and p95, per {}", page.step.label());
    let (frame, mut svg) = Frame::start(page, max, " s", &label);
    let series = |p: fn(&Bucket) -> Option<i64>, name: &'static str| {
        page.buckets.iter().enumerate().filter_map(move |(i, b)| {
            let ms = p(b)?;
            let estimated = match b.latency_estimated {
                0 => String::new(),
                n => format!(" ({n} estimated)"),
            };
            Some((
                i,
                ms as f64 / 1000.0,
                bucket_link(&page.q, b.start, page.step, ""),
                format!(
                    "{}: {name} {:.1} s{estimated}",
                    bucket_label(b.start, page.step),
                    ms as f64 / 1000.0
                ),
            ))
        })
    };
    svg += &line(&frame, "p95", series(|b| b.latency_p95, "p95"));
    svg += &line(&frame, "p50", series(|b| b.latency_p50, "p50"));
    svg + "</svg>"
}

/// Tool error rate per function, as horizontal bars.
pub fn tools(page: &InsightsPage) -> String {
    const ROW: f64 = 24.0;
    const NAME: f64 = 180.0;
    let height = ROW * page.tools.len() as f64 + 4.0;
    let mut svg = format!(
        r#"<svg class="chart tools" viewBox="0 0 {WIDTH} {height}" role="group" aria-label="Tool error rate per function">"#
    );
    let span = WIDTH - NAME - 150.0;
    for (i, tool) in page.tools.iter().enumerate() {
        let y = ROW * i as f64 + 2.0;
        let label = format!(
            "{} of {} failed ({:.0}%)",
            tool.errors,
            tool.calls,
            tool.rate() * 100.0
        );
        let bar = format!(
            r#"<text class="name" x="{}" y="{:.1}" text-anchor="end">{}</text><rect class="track" x="{NAME}" y="{:.1}" width="{span}" height="14"/><rect class="failed" x="{NAME}" y="{:.1}" width="{:.1}" height="14"/><text class="axis" x="{:.1}" y="{:.1}">{}</text>"#,
            NAME - 8.0,
            y + 12.0,
            esc(&tool.function),
            y + 2.0,
            y + 2.0,
            (tool.rate() * span).max(if tool.errors > 0 { 2.0 } else { 0.0 }),
            NAME + span + 8.0,
            y + 12.0,
            label
        );
        let title = format!("{}: {label}", tool.function);
        svg += &link(&tool_link(&page.q, &tool.function), &title, &bar);
    }
    svg + "</svg>"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::insights::{Step, ToolRate};
    use crate::model::time::HOUR_MS;

    fn page() -> InsightsPage {
        let start = 1_780_000_000_000 / HOUR_MS * HOUR_MS;
        InsightsPage {
            latency_parts: Vec::new(),
            flags: Default::default(),
            q: "source:infer".into(),
            error: None,
            step: Step::Hour,
            buckets: vec![
                Bucket {
                    start,
                    calls: 4,
                    ended: 3,
                    transferred: 1,
                    hangs: 2,
                    latency_p50: Some(800),
                    latency_p95: Some(2_400),
                    latency_estimated: 1,
                    ..Bucket::default()
                },
                Bucket {
                    start: start + HOUR_MS,
                    ..Bucket::default()
                },
            ],
            tools: vec![ToolRate {
                function: "book <slot>".into(),
                calls: 4,
                errors: 1,
            }],
            total: 4,
            cut: false,
        }
    }

    #[test]
    fn bars_and_points_link_to_their_calls_and_say_what_they_are() {
        let page = page();
        let calls = calls(&page);
        assert_eq!(calls.matches("<rect").count(), 2, "ended and transferred");
        assert!(calls.contains("3 ended of 4 calls"));
        assert!(calls.contains("status%3Atransferred"));
        let per_call = per_call(&page);
        // The empty hour has no point (no calls to divide by).
        assert_eq!(per_call.matches("<circle").count(), 2);
        assert!(per_call.contains("0.50 hangs per call (2 in 4 calls)"));
        let latency = latency(&page);
        assert!(latency.contains("p95 2.4 s (1 estimated)"));
        let tools = tools(&page);
        assert!(tools.contains("book &lt;slot&gt;: 1 of 4 failed (25%)"));
        assert!(!tools.contains("<slot>"));
    }
}
