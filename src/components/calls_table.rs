//! A table of calls: one line each (the whole row opens the call), in
//! columns every section shares, collapsing to two-line cards on a phone.

use std::collections::HashMap;

use leptos::prelude::*;

use super::{Ago, CallParties, CounterLinks, Counters, MetricCells, SourceBadge, StatusBadge};
use crate::model::metrics::CallMetrics;
use crate::model::platform::Platforms;
use crate::model::review::ReviewMarks;
use crate::model::{event_link, format, highlight, CallSummary, ListOrder, SearchHit, SortKey};

/// The review marks of the calls a list shows, by call id (the list's
/// page provides them).
#[derive(Clone, Copy)]
pub struct ListReviews(pub StoredValue<HashMap<String, ReviewMarks>>);

/// A row's review: the mean score and the flags, and a box to tick it for
/// comparing (with the form [`CompareTicked`] adds).
#[component]
fn ReviewCell(call_id: String) -> impl IntoView {
    let marks = use_context::<ListReviews>()
        .and_then(|l| l.0.with_value(|m| m.get(&call_id).cloned()))
        .unwrap_or_default();
    let flags = marks.flags.join(", ");
    let tick = format!("Compare call {call_id}");
    view! {
        <span class="review-cell" data-testid="review-marks">
            {marks.score.map(|_| view! { <span class="tag" title="mean score">{format!("★{}", marks.score_text())}</span> })}
            {(!flags.is_empty()).then(|| view! { <span class="tag tag-flag" title=flags.clone()>{format!("⚑{}", marks.flags.len())}</span> })}
            {(!marks.reviewed_by.is_empty()).then(|| view! { <span class="tag tag-ok" title=marks.reviewed_by.join(", ")>"✓"</span> })}
            <input type="checkbox" name="c" value=call_id form="compare-ticked" aria-label=tick class="compare-tick"/>
        </span>
    }
}

/// "Compare the two ticked": the form a list's row boxes belong to.
#[component]
pub fn CompareTicked() -> impl IntoView {
    view! {
        <form id="compare-ticked" method="get" action="/compare/ticked" class="compare-ticked">
            <button type="submit" class="button">"Compare the two ticked calls"</button>
        </form>
    }
}

/// Calls as rows without search hits.
pub fn plain_rows(calls: Vec<CallSummary>) -> Vec<SearchHit> {
    calls
        .into_iter()
        .map(|call| SearchHit {
            call,
            event_id: None,
            snippet: None,
        })
        .collect()
}

#[component]
pub fn CallsTable(
    /// The calls, each with the search hit it opens at, when searching.
    #[prop(into)]
    calls: Signal<Vec<SearchHit>>,
    now: ReadSignal<i64>,
    stale_after_ms: i64,
    caption: &'static str,
    /// The measured calls' voice metrics.
    metrics: StoredValue<HashMap<String, CallMetrics>>,
    /// The list shown, for the column headers to sort it.
    order: StoredValue<ListOrder>,
) -> impl IntoView {
    // A column header that sorts the list by it (again: the other way).
    let header = move |key: SortKey, name: &'static str| {
        order.with_value(|order| {
            let arrow = match order.aria_sort(key) {
                "ascending" => " ↑",
                "descending" => " ↓",
                _ => "",
            };
            view! {
                <th scope="col" class="sortable" aria-sort=order.aria_sort(key)>
                    <a href=order.href(order.sort.toggled(key)) title=format!("Sort by {}", name.to_lowercase())>
                        {name}{arrow}
                    </a>
                </th>
            }
        })
    };
    // Every section's table has these columns at these widths, so Live and
    // Past line up and the list fits a 1,280 px screen.
    view! {
        <table class="calls">
            <caption class="sr-only">{caption}</caption>
            <colgroup>
                <col class="col-status"/>
                <col class="col-started"/>
                <col class="col-call"/>
                <col class="col-duration"/>
                <col class="col-ended"/>
                <col class="col-cost"/>
                <col class="col-metric"/>
                <col class="col-metric"/>
                <col class="col-tools"/>
                <col class="col-problems"/>
                <col class="col-review"/>
            </colgroup>
            <thead>
                <tr>
                    <th scope="col">"Status"</th>
                    {header(SortKey::Started, "Started")}
                    <th scope="col">"Call"</th>
                    {header(SortKey::Duration, "Duration")}
                    <th scope="col">"Ended"</th>
                    <th scope="col">"Cost"</th>
                    {header(SortKey::Latency, "Latency")}
                    {header(SortKey::Stall, "Stall")}
                    {header(SortKey::ToolErrors, "Tools")}
                    <th scope="col">"Problems"</th>
                    <th scope="col">"Review"</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || calls.get() key=|r| (r.call.call_id.clone(), r.call.last_event_id) let(row)>
                    <CallRow
                        metrics=metrics.with_value(|m| m.get(&row.call.call_id).cloned())
                        call=row.call hit=row.event_id snippet=row.snippet now stale_after_ms
                    />
                </For>
            </tbody>
        </table>
    }
}

#[component]
fn CallRow(
    call: CallSummary,
    /// The event a search matched: the row opens the call there.
    hit: Option<i64>,
    snippet: Option<String>,
    now: ReadSignal<i64>,
    stale_after_ms: i64,
    metrics: Option<CallMetrics>,
) -> impl IntoView {
    let href = event_link(&call.call_id, hit);
    let problem = format!("{}#first-problem", event_link(&call.call_id, None));
    let trouble = call.had_trouble();
    let live = call.is_live();
    let stale_for = {
        let call = call.clone();
        Signal::derive(move || {
            let now = now.get();
            call.is_stale(now, stale_after_ms)
                .then(|| now - call.last_received_at)
        })
    };
    let stale = move || stale_for.get().is_some();
    // What a live call is doing, ticking with the clock.
    let state = live.then(|| {
        let call = call.clone();
        move || call.live_state(now.get())
    });
    let duration = {
        let call = call.clone();
        move || format::duration(call.duration_at(now.get()))
    };
    let status = call.status;
    let title = format!("Call {}", call.call_id);
    let platforms = use_context::<Platforms>().unwrap_or_default();
    let cost = call.cost.map(|c| platforms.cost(&call.source, c));
    view! {
        <tr class:trouble=trouble class:live=live class:stale=stale data-call-id=call.call_id.clone()>
            <td data-label="Status"><StatusBadge status stale_for/></td>
            <td data-label="Started"><Ago at=call.started_at now/></td>
            <td data-label="Call" class="call-cell">
                <div class="call-line">
                    <SourceBadge source=call.source.clone()/>
                    {call.is_sample().then(|| view! { <span class="tag tag-demo" title="Made by calltrail (demo, simulate or a test event), not by an agent">"demo"</span> })}
                    <CallParties caller=call.caller.clone() agent=call.agent.clone()/>
                    {state.map(|s| view! { <span class="muted state">{s}</span> })}
                    {call.headline().map(|h| view! { <span class="headline">{format::one_line(h, 160)}</span> })}
                    <a class="call-id row-link" href=href title=title>{call.call_id.clone()}</a>
                </div>
                {snippet.map(|s| view! {
                    <p class="snippet">
                        {highlight(&s).into_iter().map(|(text, marked)| if marked {
                            view! { <mark>{text}</mark> }.into_any()
                        } else {
                            text.into_any()
                        }).collect_view()}
                    </p>
                })}
            </td>
            <td data-label="Duration" class="duration">{duration}</td>
            <td data-label="Ended" class="outcome" title=call.end_code().map(str::to_string)>
                {(!live).then(|| call.outcome())}
            </td>
            <td data-label="Cost" class="cost">{cost}</td>
            <MetricCells metrics/>
            <td data-label="Problems">
                <Counters call=Signal::stored(call.clone()) links=CounterLinks::FirstProblem(problem) compact=true/>
            </td>
            <td data-label="Review"><ReviewCell call_id=call.call_id.clone()/></td>
        </tr>
    }
}
