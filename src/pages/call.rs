//! `/calls/{id}`: one call's timeline. New events slide in at their place in
//! time, even when delivered out of order; the view follows the newest item
//! unless the reader has scrolled up, then a pill counts what is new. A long
//! call shows one window of events at a time (`?before=` pages back), so
//! neither the server nor the browser handles thousands of items at once.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{LoadError, NotFound};
use crate::api::load_call;
use crate::components::{
    follow, use_clock, use_live_stream, CallHeader, LiveIndicator, TimelineEntry,
};
use crate::model::{event_link, format, insert_sorted, CallTimeline, LiveUpdate, TimelinePoint};

/// A live page trims its oldest items beyond this many (they stay a link away).
const MAX_ITEMS: usize = 400;
/// How many it keeps when it trims.
const KEEP_ITEMS: usize = 200;

#[component]
pub fn CallPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let call_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let before = Memo::new(move |_| {
        query
            .read()
            .get("before")
            .and_then(|b| TimelinePoint::parse(&b))
    });
    let data = Resource::new(
        move || (call_id.get(), before.get()),
        |(id, before)| load_call(id, before),
    );
    view! {
        <Title text=move || format!("Call {}", call_id.get())/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the call…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(timeline)) => view! { <Timeline timeline/> }.into_any(),
                    Ok(None) => view! {
                        <NotFound what=format!("No call with id “{}” has been received.", call_id.get_untracked())/>
                    }
                    .into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Timeline(timeline: CallTimeline) -> impl IntoView {
    let CallTimeline {
        call,
        items,
        earlier,
        before,
        cursor,
        now,
    } = timeline;
    let page_path = event_link(&call.call_id, None);
    let stream_path = format!("/api/live/calls/{}", format::url_segment(&call.call_id));
    let earlier = RwSignal::new(earlier);
    let call = RwSignal::new(call);
    let items = RwSignal::new(items);
    let now = use_clock(now);
    let unseen = RwSignal::new(0usize);
    let link = use_live_stream(stream_path, cursor, move |data| {
        let Ok(LiveUpdate {
            item,
            call: summary,
        }) = serde_json::from_str::<LiveUpdate>(&data)
        else {
            return;
        };
        let id = item.id;
        call.set(summary);
        // A window of the past only shows its own stretch of time.
        if before.is_some_and(|end| TimelinePoint::of(&item) >= end) {
            return;
        }
        let following = follow::at_bottom();
        let added = items
            .try_update(|items| insert_sorted(items, item))
            .unwrap_or(false);
        if following && items.with(Vec::len) > MAX_ITEMS {
            items.update(|items| {
                items.drain(..items.len() - KEEP_ITEMS);
            });
            earlier.set(items.with(|items| items.first().map(TimelinePoint::of)));
        }
        if added {
            if following {
                follow::reveal(id);
            } else {
                unseen.update(|n| *n += 1);
            }
        }
    });
    follow::clear_when_at_bottom(unseen);
    let started_at = Signal::derive(move || call.with(|c| c.started_at));
    view! {
        <div class="page-head">
            <a href="/" class="back">"← Calls"</a>
            <LiveIndicator state=link/>
        </div>
        <CallHeader call now/>
        {
            let page_path = page_path.clone();
            move || earlier.get().map(|point| view! {
                <a class="button window-link" href=format!("{page_path}?before={}", point.to_param())>
                    "↑ Show earlier events"
                </a>
            })
        }
        <ol class="timeline" aria-label="timeline">
            <For each=move || items.get() key=|item| item.id let(item)>
                <TimelineEntry item started_at/>
            </For>
        </ol>
        {before.map(|_| view! {
            <a class="button window-link" href=page_path.clone()>"↓ Back to the newest events"</a>
        })}
        <Show when=move || items.with(Vec::is_empty)>
            <p class="muted">"No events stored for this call."</p>
        </Show>
        <Show when=move || before.is_none() && call.with(|c| c.is_live())>
            <p class="muted waiting" aria-live="polite">"Call in progress — new events appear here as they arrive."</p>
        </Show>
        <Show when=move || { unseen.get() > 0 }>
            <button class="new-events" on:click=move |_| {
                unseen.set(0);
                follow::to_bottom();
            }>
                {move || format!("{} new event{} ↓", unseen.get(), if unseen.get() == 1 { "" } else { "s" })}
            </button>
        </Show>
    }
}
