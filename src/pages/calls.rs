//! `/`: live calls on top, then past calls newest first; rows appear and
//! update live. With no calls yet, it says how to connect an agent.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{page_param, LoadError};
use crate::api::load_calls;
use crate::components::{
    use_clock, use_live_stream, CallsTable, ConnectPanel, LiveIndicator, Pager,
};
use crate::model::{CallSummary, CallsPage as Data, ConnectInfo};

#[component]
pub fn CallsPage() -> impl IntoView {
    let page = page_param();
    let data = Resource::new(move || page.get(), load_calls);
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
    } = data;
    let calls = RwSignal::new(live.into_iter().chain(past).collect::<Vec<_>>());
    let now = use_clock(now);
    let link = use_live_stream("/api/live/calls".to_string(), cursor, move |data| {
        if let Ok(call) = serde_json::from_str::<CallSummary>(&data) {
            calls.update(|calls| upsert(calls, call, page == 1));
        }
    });
    let live = Signal::derive(move || sorted(calls.get(), true));
    let past = Signal::derive(move || sorted(calls.get(), false));
    let empty = move || calls.with(Vec::is_empty);
    view! {
        <div class="page-head">
            <h1>"Calls"</h1>
            <LiveIndicator state=link/>
        </div>
        <Show
            when=move || !empty()
            fallback={
                let connect = connect.clone();
                move || view! { <EmptyState connect=connect.clone()/> }
            }
        >
            <details class="connect-details">
                <summary>"Connect your agent: webhook URL and token"</summary>
                <ConnectPanel info=connect.clone()/>
            </details>
            <section class="live-calls" aria-labelledby="live-heading">
                <h2 id="live-heading">"Live " <span class="count">{move || live.with(Vec::len)}</span></h2>
                <Show
                    when=move || live.with(|l| !l.is_empty())
                    fallback=|| view! { <p class="muted">"No call in progress."</p> }
                >
                    <CallsTable calls=live now caption="Live calls"/>
                </Show>
            </section>
            <section class="past-calls" aria-labelledby="past-heading">
                <h2 id="past-heading">"Past calls"</h2>
                <Show
                    when=move || past.with(|p| !p.is_empty())
                    fallback=|| view! { <p class="muted">"No finished call on this page."</p> }
                >
                    <CallsTable calls=past now caption="Past calls"/>
                </Show>
                <Pager base="/" page has_more/>
            </section>
        </Show>
    }
}

/// Replaces a call's row, or adds it when it is new and this is the first page.
fn upsert(calls: &mut Vec<CallSummary>, call: CallSummary, first_page: bool) {
    match calls.iter_mut().find(|c| c.call_id == call.call_id) {
        Some(existing) if call.last_event_id >= existing.last_event_id => *existing = call,
        Some(_) => {}
        None if first_page || call.is_live() => calls.push(call),
        None => {}
    }
}

/// Live or past calls, newest first.
fn sorted(mut calls: Vec<CallSummary>, live: bool) -> Vec<CallSummary> {
    calls.retain(|c| c.is_live() == live);
    calls.sort_by(|a, b| {
        b.started_at
            .cmp(&a.started_at)
            .then_with(|| a.call_id.cmp(&b.call_id))
    });
    calls
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
