//! `/share/{secret}`: one call, read-only, for whoever holds the link —
//! no session, no other page, no raw payloads or recordings.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::super::LoadError;
use crate::components::{use_clock, CallHeader, ItemReview, NoteCard, Reviewing, TimelineEntry};
use crate::model::overview;
use crate::model::review::{quote_of, SharedCall};
use crate::server_fns::load_shared_call;

#[component]
pub fn SharedCallPage() -> impl IntoView {
    let params = use_params_map();
    let secret = move || params.read().get("secret").unwrap_or_default();
    let data = Resource::new(secret, load_shared_call);
    view! {
        <Title text="Shared call"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the call…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(shared)) => view! { <Shared shared/> }.into_any(),
                    Ok(None) => view! { <Refused/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// An unknown, revoked or expired link: 404, and no way on.
#[component]
fn Refused() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <h1>"This link does not open a call"</h1>
        <p data-testid="share-refused">"It may have expired or been revoked. Ask whoever sent it for a new one."</p>
    }
}

#[component]
fn Shared(shared: SharedCall) -> impl IntoView {
    let SharedCall {
        timeline,
        expires_at,
        redacted,
    } = shared;
    let started_at = timeline.call.started_at;
    // A long call's link shows its first window of events.
    let cut = timeline.before.map(|_| timeline.items.len());
    let notes = overview::overview(&timeline.items, started_at, None);
    let reviewing = Reviewing {
        review: RwSignal::new(timeline.review),
        desk: StoredValue::new(timeline.desk),
        call_id: StoredValue::new(timeline.call.call_id.clone()),
    };
    provide_context(reviewing);
    let title = format!("Call {}", timeline.call.call_id);
    let now = use_clock(timeline.now);
    let call = RwSignal::new(timeline.call);
    let (_, playing) = signal(None::<i64>);
    let call_notes: Vec<_> = reviewing.review.with_untracked(|r| {
        r.notes
            .iter()
            .filter(|n| n.event_id.is_none())
            .cloned()
            .collect()
    });
    view! {
        <div class="page-head"><h1>{title}</h1></div>
        <p class="notice notice-ok" data-testid="shared-note">
            {format!("A shared call: read-only{}. The link stops working {}.",
                if redacted { ", callers' data redacted" } else { "" },
                crate::model::format::datetime(expires_at))}
        </p>
        <CallHeader call now playing metrics=Signal::derive(|| None)/>
        {cut.map(|n| view! { <p class="muted" data-testid="shared-cut">{format!("This link shows the call's first {n} events.")}</p> })}
        <ol class="timeline" aria-label="timeline">
            {timeline.items.into_iter().map(|item| {
                let id = item.id;
                let quote = quote_of(&item.detail);
                let item_notes = notes.notes(id);
                view! {
                    <TimelineEntry item started_at=Signal::derive(move || started_at) notes=Signal::derive(move || item_notes.clone()) first_problem=Signal::derive(|| false)>
                        <ItemReview event_id=id quote=quote.clone()/>
                    </TimelineEntry>
                }
            }).collect_view()}
        </ol>
        {(!call_notes.is_empty()).then(|| view! {
            <section class="review-panel"><h2>"Notes"</h2>
                {call_notes.into_iter().map(|note| view! { <NoteCard note reviewing/> }).collect_view()}
            </section>
        })}
    }
}
