//! `/`: a query bar, then live calls on top, calls gone quiet (stale), and
//! past calls newest first; rows appear, update and move between sections
//! live. With a query (`/?q=…`) the list is the calls it selects instead.
//! Until an agent has sent anything, the Connect panel leads the page.

mod exports;
mod search;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{page_param, LoadError};
use crate::components::{
    plain_rows, use_clock, use_live_stream, CallsTable, CompareTicked, ConnectPanel, EstimatesNote,
    FormNotice, ListReviews, LiveIndicator, Pager,
};
use crate::model::{CallSummary, CallsPage as Data, ConnectInfo, ListOrder};
use crate::server_fns::load_calls;
use search::{QueryBar, Results};

#[component]
pub fn CallsPage() -> impl IntoView {
    let page = page_param();
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").filter(|q| !q.trim().is_empty()));
    let sort = Memo::new(move |_| query.read().get("sort").filter(|s| !s.trim().is_empty()));
    let data = Resource::new(
        move || (page.get(), q.get(), sort.get()),
        |(page, q, sort)| load_calls(page, q, sort),
    );
    view! {
        <Title text="Calls"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading calls…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <CallsView data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CallsView(data: Data) -> impl IntoView {
    let Data {
        live,
        past,
        page,
        has_more,
        cursor,
        now,
        connect,
        stale_after_ms,
        agent_connected,
        search,
        saved,
        sort,
        metrics,
        review,
    } = data;
    let metrics = StoredValue::new(metrics);
    provide_context(ListReviews(StoredValue::new(review)));
    let order = StoredValue::new(ListOrder {
        q: search.as_ref().map(|s| s.q.clone()).unwrap_or_default(),
        sort,
    });
    let searching = search.is_some();
    let calls = RwSignal::new(match &search {
        Some(found) => found.hits.iter().map(|h| h.call.clone()).collect(),
        None => live.into_iter().chain(past).collect::<Vec<_>>(),
    });
    let search = StoredValue::new(search);
    let now = use_clock(now);
    // While the pointer is on the list, an update that would move rows (a
    // new call, a call leaving Live) waits, so the row under the pointer
    // stays put; the held ones come in when the pointer leaves.
    let pointing = RwSignal::new(false);
    let held = RwSignal::new(Vec::<(CallSummary, bool)>::new());
    let link = use_live_stream("/api/live/calls".to_string(), cursor, move |data| {
        if let Ok(call) = serde_json::from_str::<CallSummary>(&data) {
            // Search results stay the calls the query selected; their rows update.
            let add = !searching && (page == 1 || call.is_live());
            if pointing.get_untracked() && calls.with_untracked(|c| moves_rows(c, &call, add)) {
                held.update(|h| h.push((call, add)));
            } else {
                calls.update(|calls| upsert(calls, call, add));
            }
        }
    });
    let release = move || {
        pointing.set(false);
        let waiting = held.try_update(std::mem::take).unwrap_or_default();
        if !waiting.is_empty() {
            calls.update(|calls| {
                for (call, add) in waiting {
                    upsert(calls, call, add);
                }
            });
        }
    };
    let held_note = move || {
        let n = held.with(Vec::len);
        (n > 0).then(|| view! {
            <span class="held muted" title="New calls wait while the pointer is on the list, so rows do not move under it">
                {format!(" · {n} new, shown when the pointer leaves")}
            </span>
        })
    };
    let section = move |which: Section| {
        Memo::new(move |_| {
            let now = now.get();
            let mut picked: Vec<CallSummary> = calls.with(|calls| {
                calls
                    .iter()
                    .filter(|c| match which {
                        Section::Live => c.is_live() && !c.is_stale(now, stale_after_ms),
                        Section::Stale => c.is_stale(now, stale_after_ms),
                        Section::Past => !c.is_live(),
                    })
                    .cloned()
                    .collect()
            });
            newest_first(&mut picked);
            plain_rows(picked)
        })
    };
    let live = section(Section::Live);
    let stale = section(Section::Stale);
    let past = section(Section::Past);
    let empty = move || calls.with(Vec::is_empty);
    // Collapses the Connect panel as soon as an agent's first call arrives.
    let agent_connected = Memo::new(move |_| {
        agent_connected || calls.with(|calls| calls.iter().any(|c| !c.is_sample()))
    });
    let stale_note = StoredValue::new(format!(
        "Live calls with no event for {}: most likely over without an end event.",
        format_minutes(stale_after_ms)
    ));
    view! {
        <div class="page-head">
            <h1>"Calls"</h1>
            <LiveIndicator state=link/>
        </div>
        <Show
            when=move || searching || !empty()
            fallback={
                let connect = connect.clone();
                move || view! { <EmptyState connect=connect.clone()/> }
            }
        >
            {
                let connect = connect.clone();
                move || if agent_connected.get() {
                    view! {
                        <details class="connect-details">
                            <summary>"Connect an agent: webhook URL and token"</summary>
                            <ConnectPanel info=connect.clone()/>
                        </details>
                    }.into_any()
                } else {
                    view! {
                        <div class="connect-first">
                            <p class="muted">"Only demo or test calls so far. Connect your agent and its calls appear here live."</p>
                            <ConnectPanel info=connect.clone()/>
                        </div>
                    }.into_any()
                }
            }
            <FormNotice/>
            <QueryBar q=search.with_value(|s| s.as_ref().map(|s| s.q.clone()).unwrap_or_default()) saved=saved.clone() sort/>
            {move || match search.get_value() {
                Some(results) => view! { <Results results calls now stale_after_ms page has_more metrics order/> }.into_any(),
                None => view! {
                    <div class="call-sections" on:pointerenter=move |_| pointing.set(true) on:pointerleave=move |_| release()>
                    <section class="live-calls" aria-labelledby="live-heading">
                        <h2 id="live-heading">"Live " <span class="count">{move || live.with(Vec::len)}</span>{held_note}</h2>
                        <Show
                            when=move || live.with(|l| !l.is_empty())
                            fallback=|| view! { <p class="muted">"No call in progress."</p> }
                        >
                            <CallsTable calls=live now stale_after_ms caption="Live calls" metrics order/>
                        </Show>
                    </section>
                    <Show when=move || stale.with(|s| !s.is_empty())>
                        <section class="stale-calls" aria-labelledby="stale-heading">
                            <h2 id="stale-heading">
                                "Stale " <span class="count">{move || stale.with(Vec::len)}</span>
                            </h2>
                            <p class="muted">{stale_note.get_value()}</p>
                            <CallsTable calls=stale now stale_after_ms caption="Stale calls" metrics order/>
                        </section>
                    </Show>
                    <section class="past-calls" aria-labelledby="past-heading">
                        <h2 id="past-heading">"Past calls"</h2>
                        <Show
                            when=move || past.with(|p| !p.is_empty())
                            fallback=|| view! { <p class="muted">"No finished call on this page."</p> }
                        >
                            <CallsTable calls=past now stale_after_ms caption="Past calls" metrics order/>
                        </Show>
                        <Pager base="/" page has_more/>
                    </section>
                    <EstimatesNote metrics/>
                    <CompareTicked/>
                    </div>
                }.into_any(),
            }}
        </Show>
    }
}

/// Replaces a call's row, or adds it when it is new and `add` says so.
fn upsert(calls: &mut Vec<CallSummary>, call: CallSummary, add: bool) {
    match calls.iter_mut().find(|c| c.call_id == call.call_id) {
        Some(existing) if call.last_event_id >= existing.last_event_id => *existing = call,
        Some(_) => {}
        None if add => calls.push(call),
        None => {}
    }
}

/// Whether applying `call` would add a row or move one between sections.
fn moves_rows(calls: &[CallSummary], call: &CallSummary, add: bool) -> bool {
    match calls.iter().find(|c| c.call_id == call.call_id) {
        Some(existing) => existing.is_live() != call.is_live(),
        None => add,
    }
}

/// The sections of the list.
#[derive(Clone, Copy)]
enum Section {
    Live,
    Stale,
    Past,
}

fn newest_first(calls: &mut [CallSummary]) {
    calls.sort_by(|a, b| {
        b.started_at
            .cmp(&a.started_at)
            .then_with(|| a.call_id.cmp(&b.call_id))
    });
}

/// `15 min`, `30 s`.
fn format_minutes(ms: i64) -> String {
    if ms >= 60_000 && ms % 60_000 == 0 {
        format!("{} min", ms / 60_000)
    } else {
        format!("{} s", ms / 1000)
    }
}

#[component]
fn EmptyState(connect: ConnectInfo) -> impl IntoView {
    view! {
        <section class="empty" aria-labelledby="empty-heading">
            <h2 id="empty-heading">"No calls yet"</h2>
            <p>"Connect a voice agent and its calls appear here live, as they happen."</p>
            <ConnectPanel info=connect/>
            <p class="muted">"Or watch a demo: restart with " <code>"calltrail serve --demo"</code>
                ", or send simulated calls with " <code>"calltrail simulate --calls 3"</code>
                " (give it the token with " <code>"--token"</code> ")."
            </p>
        </section>
    }
}
