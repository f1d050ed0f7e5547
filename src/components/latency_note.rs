//! Beside an agent's answer: how long the caller waited. The silence the
//! source reported, split into its parts as a small waterfall (what no part
//! explains drawn as such, overlap said), or the estimate from the turns'
//! times.

use leptos::prelude::*;

use crate::model::format;
use crate::model::overview::Latency;

/// How long after the caller the agent answered: the silence the source
/// reported, split into its parts as a small waterfall (what no part
/// explains drawn as such), or the estimate from the turns' times.
#[component]
pub fn LatencyNote(latency: Latency) -> impl IntoView {
    let Some(w) = latency.parts else {
        return view! {
            <p class="latency" title="From the estimated end of the caller's turn (turn events carry no end time) to the start of this one">
                {format!("answered {} after the caller", format::seconds_ms(latency.ms))}
                {latency.estimated.then_some(" (estimated)")}
            </p>
        }
        .into_any();
    };
    let unexplained = w.unexplained_ms();
    // The bar's scale: the whole silence, or the parts when they overlap
    // it. Drawn in SVG: the page's policy allows no inline styles.
    let sum: i64 = w.parts.iter().map(|p| p.ms).sum();
    let total = latency.ms.max(sum).max(1);
    let mut x = 0;
    let mut segments: Vec<(String, i64, i64, String)> = w
        .parts
        .iter()
        .map(|p| {
            let at = x;
            x += p.ms;
            (
                p.part.key().to_string(),
                at,
                p.ms,
                format!("{}: {} ms", p.part.label(), p.ms),
            )
        })
        .collect();
    if let Some(u) = unexplained.filter(|u| *u > 0) {
        segments.push((
            "unexplained".to_string(),
            x,
            u,
            format!("unexplained: {u} ms"),
        ));
    }
    let segments = segments
        .into_iter()
        .map(|(key, at, ms, title)| {
            view! {
                <rect class=format!("part part-{key}") x=at y="0" width=ms.max(total / 200) height="10">
                    <title>{title}</title>
                </rect>
            }
        })
        .collect_view();
    let legend = w
        .parts
        .iter()
        .map(|p| format!("{} {} ms", p.part.label(), p.ms))
        .chain(unexplained.map(|u| match u {
            u if u >= 0 => format!("unexplained {u} ms"),
            u => format!("overlapping by {} ms", -u),
        }))
        .collect::<Vec<_>>()
        .join(" · ");
    let heard = match latency.estimated {
        true => format!(
            "answered {} after the caller (estimated)",
            format::seconds_ms(latency.ms)
        ),
        false => format!("heard {:.2} s of silence", latency.ms as f64 / 1000.0),
    };
    view! {
        <div class="latency latency-parts" title=w.describe()>
            <p>{heard}</p>
            <svg class="waterfall" role="img" aria-label=legend.clone() viewBox=format!("0 0 {total} 10") preserveAspectRatio="none">
                {segments}
            </svg>
            <p class="legend muted">{legend}</p>
        </div>
    }
    .into_any()
}
