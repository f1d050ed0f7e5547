//! `/insights`: charts over time of the calls a query selects (the calls
//! list's query language, in the URL: `/insights?q=…`). Drawn on the server
//! as SVG; each bar and point links to the calls behind it.

mod charts;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::LoadError;
use crate::model::format;
use crate::model::insights::{bucket_label, FlagCounts, InsightsPage as Data, PartSpread, Step};
use crate::model::latency::LatencyPart;
use crate::server_fns::load_insights;

/// Time ranges one click away.
const RANGES: [(&str, &str); 4] = [
    ("Last hour", "started>-1h"),
    ("Last 24 hours", "started>-24h"),
    ("Last 7 days", "started>-7d"),
    ("Last 30 days", "started>-30d"),
];

#[component]
pub fn InsightsPage() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").filter(|q| !q.trim().is_empty()));
    let data = Resource::new(move || q.get(), load_insights);
    view! {
        <Title text="Insights"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading insights…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <Insights data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Insights(data: Data) -> impl IntoView {
    let q = data.q.clone();
    let calls_link = format!("/?q={}", format::url_segment(&q));
    let body = match &data.error {
        Some(error) => view! {
            <p class="notice notice-error" role="alert" data-testid="query-error">
                <strong>"This query cannot be read: "</strong>{error.clone()}
            </p>
        }
        .into_any(),
        None if data.total == 0 => view! {
            <p class="muted empty-insights">"No call matches this query yet. Charts appear as calls arrive."</p>
        }
        .into_any(),
        None => view! { <Charts data=data.clone()/> }.into_any(),
    };
    view! {
        <div class="page-head">
            <h1>"Insights"</h1>
        </div>
        <form class="query-bar" method="get" action="/insights" role="search">
            <input type="search" name="q" value=q.clone() aria-label="Calls to chart"
                placeholder="All calls; or a query as on the calls list: has:tool_error, tool:NAME, started>-7d…"
                autocomplete="off" spellcheck="false"/>
            <button type="submit" class="button">"Chart"</button>
        </form>
        <nav class="chips" aria-label="time ranges">
            {RANGES.into_iter().map(|(label, range)| view! {
                <a class="chip" href=format!("/insights?q={}", format::url_segment(range)) title=range>{label}</a>
            }).collect_view()}
        </nav>
        <p class="muted">
            {format!("{} call(s) selected", data.total)}
            {data.cut.then(|| format!("; the newest {} {}s are drawn", data.buckets.len(), data.step.label()))}
            " · " <a href=calls_link>"List them"</a>
            " · Times are UTC; latency is each call's median answer time."
        </p>
        {body}
    }
}

#[component]
fn Charts(data: Data) -> impl IntoView {
    let step = data.step.label();
    view! {
        <section class="insights">
            <figure>
                <figcaption>{format!("Calls per {step}, by outcome")}</figcaption>
                <div class="chart-box" inner_html=charts::calls(&data)></div>
                <p class="legend"><span class="swatch ended"></span>"ended " <span class="swatch transferred"></span>"transferred " <span class="swatch live"></span>"live"</p>
            </figure>
            <figure>
                <figcaption>"Tool error rate per function"</figcaption>
                {if data.tools.is_empty() {
                    view! { <p class="muted">"No tool calls in these calls (or not measured yet)."</p> }.into_any()
                } else {
                    view! { <div class="chart-box" inner_html=charts::tools(&data)></div> }.into_any()
                }}
            </figure>
            <figure>
                <figcaption>{format!("Hangs and interruptions per call, per {step}")}</figcaption>
                <div class="chart-box" inner_html=charts::per_call(&data)></div>
                <p class="legend"><span class="swatch hangs"></span>"hangs " <span class="swatch interruptions"></span>"interruptions"</p>
            </figure>
            <figure>
                <figcaption>{format!("Turn latency per {step}: p50 and p95 of the calls' median")}</figcaption>
                <div class="chart-box" inner_html=charts::latency(&data)></div>
                <p class="legend"><span class="swatch p50"></span>"p50 " <span class="swatch p95"></span>"p95 — hover a point for how many were estimates"</p>
            </figure>
            <LatencyParts parts=data.latency_parts.clone()/>
            <Flags flags=data.flags.clone() step=data.step/>
        </section>
    }
}

/// The reasons reviewers flagged the calls for, per bucket and per agent.
#[component]
fn Flags(flags: FlagCounts, step: Step) -> impl IntoView {
    if flags.is_empty() {
        return view! {
            <figure>
                <figcaption>"Flag reasons"</figcaption>
                <p class="muted">"No selected call was flagged by a reviewer yet (see "<a href="/review">"Review"</a>")."</p>
            </figure>
        }
        .into_any();
    }
    let reasons = flags.reasons();
    let head = || {
        reasons
            .iter()
            .map(|r| view! { <th scope="col"><code>{r.clone()}</code></th> })
            .collect_view()
    };
    let cells = |counts: Vec<i64>| {
        counts
            .into_iter()
            .map(|n| view! { <td class="num">{n}</td> })
            .collect_view()
    };
    let over_time = FlagCounts::table(&flags.over_time, &reasons);
    let by_agent = FlagCounts::table(&flags.by_agent, &reasons);
    view! {
        <figure>
            <figcaption>{format!("Calls flagged, by reason, per {}", step.label())}</figcaption>
            <table class="latency-parts-table" data-testid="flags-over-time">
                <thead><tr><th scope="col">"From"</th>{head()}</tr></thead>
                <tbody>{over_time.into_iter().map(|(start, counts)| view! {
                    <tr><th scope="row">{bucket_label(start, step)}</th>{cells(counts)}</tr>
                }).collect_view()}</tbody>
            </table>
        </figure>
        {(!by_agent.is_empty()).then(|| view! {
        <figure>
            <figcaption>"Calls flagged, by reason, per agent"</figcaption>
            <table class="latency-parts-table" data-testid="flags-by-agent">
                <thead><tr><th scope="col">"Agent"</th>{head()}</tr></thead>
                <tbody>{by_agent.into_iter().map(|(agent, counts)| view! {
                    <tr><th scope="row">{if agent.is_empty() { "(not named by the source)".to_string() } else { agent }}</th>{cells(counts)}</tr>
                }).collect_view()}</tbody>
            </table>
        </figure>
        })}
    }
    .into_any()
}

/// The latency parts sources measured: p50 and p95 of the calls' medians,
/// each over the calls that reported it; a part none reported says so.
#[component]
fn LatencyParts(parts: Vec<PartSpread>) -> impl IntoView {
    let body = if parts.is_empty() {
        view! {
            <p class="muted">
                "No selected call's source reported its latency parts (LiveKit Agents, Pipecat, "
                "ElevenLabs and Retell do; Infer and Vapi calls' latency is estimated from their turns)."
            </p>
        }
        .into_any()
    } else {
        let rows = std::iter::once(None)
            .chain(LatencyPart::ALL.into_iter().map(Some))
            .map(|part| {
                let found = parts.iter().find(|p| p.part == part);
                let label = found.map_or_else(|| part.map_or("the whole silence heard", LatencyPart::label), PartSpread::label);
                match found {
                    Some(p) => view! {
                        <tr><td>{label}</td><td class="num">{p.calls}</td><td class="num">{format!("{} ms", p.p50_ms)}</td><td class="num">{format!("{} ms", p.p95_ms)}</td></tr>
                    }
                    .into_any(),
                    None => view! {
                        <tr class="muted"><td>{label}</td><td class="num">"0"</td><td colspan="2">"not reported"</td></tr>
                    }
                    .into_any(),
                }
            })
            .collect_view();
        view! {
            <table class="latency-parts-table">
                <thead><tr><th>"Part"</th><th>"Calls"</th><th>"p50"</th><th>"p95"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <figure>
            <figcaption>"Latency by part, as the sources measured it: p50 and p95 of the calls' median"</figcaption>
            {body}
        </figure>
    }
}
