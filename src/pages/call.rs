//! `/calls/{id}`: one call's timeline. New events slide in at their place in
//! time, even when delivered out of order; the view follows the newest item
//! unless the reader has scrolled up, then a pill counts what is new.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{LoadError, NotFound};
use crate::api::load_call;
use crate::components::{
    follow, use_clock, use_live_stream, CallHeader, LiveIndicator, TimelineEntry,
};
use crate::model::{format, insert_sorted, CallTimeline, LiveUpdate};

#[component]
pub fn CallPage() -> impl IntoView {
    let params = use_params_map();
    let call_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let data = Resource::new(move || call_id.get(), load_call);
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
        cursor,
        now,
    } = timeline;
    let stream_path = format!("/api/live/calls/{}", format::url_segment(&call.call_id));
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
        let following = follow::at_bottom();
        let added = items
            .try_update(|items| insert_sorted(items, item))
            .unwrap_or(false);
        call.set(summary);
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
        <ol class="timeline" aria-label="timeline">
            <For each=move || items.get() key=|item| item.id let(item)>
                <TimelineEntry item started_at/>
            </For>
        </ol>
        <Show when=move || items.with(Vec::is_empty)>
            <p class="muted">"No events stored for this call."</p>
        </Show>
        <Show when=move || call.with(|c| c.is_live())>
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
