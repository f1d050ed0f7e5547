//! `/calls/{id}`: one call's timeline under a sticky bar and overview strip.
//! New events slide in at their place in time, even when delivered out of
//! order, a frame's worth at a time; the view follows the newest item unless
//! the reader moved away, then a pill counts what is new. A long call shows
//! one window of events at a time (`?before=` pages back), so neither the
//! server nor the browser handles thousands of items at once.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

mod live;
mod review;

use super::{LoadError, NotFound};
use crate::components::{
    follow, use_clock, use_live_stream, CallBar, CallHeader, OverviewStrip, TimelineEntry,
};
use crate::components::{FormNotice, ItemReview, Reviewing};
use crate::model::metrics;
use crate::model::overview::{self, Steps};
use crate::model::review::{quote_of, ReviewUpdate};
use crate::model::{
    event_link, format, CallSummary, CallTimeline, LiveUpdate, RawAccess, TimelinePoint,
};
use crate::server_fns::load_call;
use live::{LiveBatch, Window};
use review::ReviewPanel;

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
    // `?at=` an event: the window that holds it (a link from an alert or
    // a search hit to an old event of a long call).
    let at = Memo::new(move |_| query.read().get("at").and_then(|a| a.parse::<i64>().ok()));
    // A long finished call opens at its start; `?from=newest` at its end.
    let newest = Memo::new(move |_| query.read().get("from").as_deref() == Some("newest"));
    let data = Resource::new(
        move || (call_id.get(), before.get(), at.get(), newest.get()),
        |(id, before, at, newest)| load_call(id, before, at, newest),
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
        stale_after_ms,
        metrics: stored_metrics,
        raw,
        review,
        desk,
        shares,
        new_share,
    } = timeline;
    provide_context(RawAccess(raw));
    let reviewing = Reviewing {
        review: RwSignal::new(review),
        desk: StoredValue::new(desk),
        call_id: StoredValue::new(call.call_id.clone()),
    };
    provide_context(reviewing);
    let opened_at = now;
    // The whole timeline is on the page: measured here, live; else as stored.
    let whole = earlier.is_none() && before.is_none();
    let page_path = event_link(&call.call_id, None);
    let stream_path = format!("/api/live/calls/{}", format::url_segment(&call.call_id));
    let opened_live = call.is_live() && before.is_none();
    let earlier = RwSignal::new(earlier);
    let call = RwSignal::new(call);
    let items = RwSignal::new(items);
    let now = use_clock(now);
    let unseen = RwSignal::new(0usize);
    // Newer events left out while the reader was away at the window's bound.
    let behind = RwSignal::new(false);
    let following = follow::use_follow();
    let batch = LiveBatch::new(move |updates| {
        let following = following.get_untracked();
        let window = Window { before, following };
        let outcome = items
            .try_update(|items| window.apply(items, updates))
            .unwrap_or_default();
        if let Some(summary) = outcome.call {
            call.set(summary);
        }
        if let Some(first) = outcome.trimmed_to {
            earlier.set(Some(first));
        }
        if following {
            follow::to_bottom();
        } else if outcome.added + outcome.left_out > 0 {
            unseen.update(|n| *n += outcome.added + outcome.left_out);
            behind.update(|b| *b |= outcome.left_out > 0);
        }
    });
    let link = use_live_stream(stream_path, cursor, move |data| {
        if let Ok(update) = serde_json::from_str::<LiveUpdate>(&data) {
            batch.push(update);
        } else if let Ok(ReviewUpdate { review }) = serde_json::from_str(&data) {
            reviewing.review.set(review);
        }
    });
    Effect::new(move || {
        if following.get() {
            unseen.set(0);
        }
    });
    // A live call opens at its newest event, unless a link points elsewhere:
    // then at that (also after an in-app navigation, which the browser's
    // own jump to a fragment does not cover).
    Effect::new(move || {
        if has_fragment() {
            following.set(false);
            follow::to_fragment();
        } else if opened_live {
            follow::to_bottom();
        }
    });
    let follow_again = {
        let page_path = page_path.clone();
        Callback::new(move |()| {
            if behind.get_untracked() {
                reload(&page_path);
            } else {
                following.set(true);
                unseen.set(0);
                follow::to_bottom();
            }
        })
    };
    let started_at = Signal::derive(move || call.with(|c| c.started_at));
    let live_until = move || call.with(|c| c.is_live().then_some(now.get()));
    let overview = Memo::new(move |_| {
        let until = live_until();
        items.with(|items| overview::overview(items, started_at.get(), until))
    });
    let steps = Memo::new(move |_| items.with(|items| Steps::of(items)));
    let metrics = Memo::new(move |_| match whole && earlier.with(Option::is_none) {
        // A live call's current silence counts, so it ticks with the clock.
        true => Some(items.with(|items| match call.with(CallSummary::is_live) {
            true => metrics::compute_live(items, started_at.get(), now.get()),
            false => metrics::compute(items, started_at.get(), true),
        })),
        false => stored_metrics.clone(),
    });
    let (playing, set_playing) = signal(None::<i64>);
    let pins = Signal::derive(move || {
        reviewing
            .review
            .with(|r| items.with(|items| r.pins(items, started_at.get())))
    });
    view! {
        <FormNotice/>
        <div class="page-head">
            <a href="/" class="back">"← Calls"</a>
            <span class="muted shortcut-hint">"Press " <kbd>"?"</kbd> " for shortcuts"</span>
        </div>
        <div class="call-sticky">
            <CallBar call now stale_after_ms steps link following on_follow=follow_again/>
            <OverviewStrip overview playing pins/>
        </div>
        <CallHeader call now playing=set_playing metrics/>
        {
            let page_path = page_path.clone();
            move || earlier.get().map(|point| view! {
                <a class="button window-link" href=format!("{page_path}?before={}", point.to_param())>
                    "↑ Show earlier events"
                </a>
            })
        }
        {move || match items.with(|items| items.iter().filter(|i| i.detail.is_chatter()).count()) {
            0 => None,
            n => Some(view! {
                <label class="chatter-toggle muted">
                    <input type="checkbox" id="show-chatter"/>
                    {format!(" Show {n} detail line{} (speech starts and stops, partial transcripts, trace spans, latency figures)", if n == 1 { "" } else { "s" })}
                </label>
            }),
        }}
        <ol class="timeline" aria-label="timeline">
            <For each=move || items.get() key=|item| item.id let(item)>
                {
                    let id = item.id;
                    let quote = quote_of(&item.detail);
                    view! {
                        <TimelineEntry
                            item
                            started_at
                            notes=Memo::new(move |_| overview.with(|o| o.notes(id)))
                            first_problem=Memo::new(move |_| steps.with(|s| s.first_problem() == Some(id)))
                        >
                            <ItemReview event_id=id quote=quote.clone()/>
                        </TimelineEntry>
                    }
                }
            </For>
        </ol>
        {before.map(|_| view! {
            <a class="button window-link" href=format!("{page_path}?from=newest")>"↓ Back to the newest events"</a>
        })}
        <Show when=move || items.with(Vec::is_empty)>
            <p class="muted">"No events stored for this call."</p>
        </Show>
        <Show when=move || before.is_none() && call.with(|c| c.is_live())>
            <p class="muted waiting">"Call in progress — new events appear here as they arrive."</p>
        </Show>
        <ReviewPanel reviewing shares new_share now=opened_at/>
        <Show when=move || { unseen.get() > 0 }>
            <button class="new-events" on:click=move |_| follow_again.run(())>
                {move || format!("{} new event{} ↓", unseen.get(), if unseen.get() == 1 { "" } else { "s" })}
            </button>
        </Show>
    }
}

/// Whether the page's URL points at something (`#e42`).
fn has_fragment() -> bool {
    #[cfg(feature = "hydrate")]
    return window().location().hash().is_ok_and(|h| h.len() > 1);
    #[cfg(not(feature = "hydrate"))]
    false
}

/// Loads the newest window afresh (after newer events were left out).
fn reload(path: &str) {
    #[cfg(feature = "hydrate")]
    let _ = window().location().assign(path);
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}
