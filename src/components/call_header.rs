//! The head of a call page. A compact bar that stays at the top while the
//! timeline scrolls (id, status, caller and agent, duration, counters that step through their
//! events, follow-live and raw-JSON switches), then the facts: start,
//! outcome, the report's summary and an inline recording player.

use leptos::prelude::*;

use super::hydrated::use_hydrated;
use super::{
    CallParties, ConfirmDelete, CounterLinks, Counters, LinkState, LiveIndicator, MetricsList,
    Permitted, SourceBadge, StatusBadge, When,
};
use crate::model::metrics::CallMetrics;
use crate::model::overview::Steps;
use crate::model::{format, is_own_recording, safe_link, Action, CallSummary, RawAccess};

#[component]
pub fn CallBar(
    call: RwSignal<CallSummary>,
    now: ReadSignal<i64>,
    stale_after_ms: i64,
    steps: Memo<Steps>,
    link: ReadSignal<LinkState>,
    following: RwSignal<bool>,
    /// Follow the newest item again.
    on_follow: Callback<()>,
) -> impl IntoView {
    let status = Signal::derive(move || call.with(|c| c.status));
    let stale_for = Signal::derive(move || {
        let now = now.get();
        call.with(|c| {
            c.is_stale(now, stale_after_ms)
                .then(|| now - c.last_received_at)
        })
    });
    let duration = move || format::duration(call.with(|c| c.duration_at(now.get())));
    let raw_open = RwSignal::new(false);
    let interactive = use_hydrated();
    view! {
        <div class="call-bar">
            <div class="call-title">
                <h1><code class="call-id">{move || call.with(|c| c.call_id.clone())}</code></h1>
                <StatusBadge status stale_for/>
                <SourceBadge source=Signal::derive(move || call.with(|c| c.source.clone()))/>
                {move || call.with(|c| view! { <CallParties caller=c.caller.clone() agent=c.agent.clone()/> })}
                {move || call.with(CallSummary::is_sample).then(|| view! { <span class="tag tag-demo">"demo"</span> })}
                <span class="duration" title="Duration">{duration}</span>
            </div>
            <div class="call-tools">
                <Counters call links=CounterLinks::Steps(steps)/>
                <span class="bar-actions">
                    <Show when=move || interactive.get() && call.with(CallSummary::is_live)>
                        <button type="button" class="button quiet" data-key="l"
                            aria-pressed=move || following.get().to_string()
                            on:click=move |_| on_follow.run(())>
                            {move || if following.get() { "Following live" } else { "Follow live (l)" }}
                        </button>
                    </Show>
                    <Show when=move || interactive.get()>
                        <button type="button" class="button quiet" aria-pressed=move || raw_open.get().to_string()
                            on:click=move |_| {
                                raw_open.update(|o| *o = !*o);
                                open_all_raw(raw_open.get_untracked());
                            }>
                            "Raw JSON"
                        </button>
                    </Show>
                    <LiveIndicator state=link/>
                </span>
            </div>
        </div>
    }
}

#[component]
pub fn CallHeader(
    call: RwSignal<CallSummary>,
    now: ReadSignal<i64>,
    /// Set while the recording plays: where it is (ms).
    playing: WriteSignal<Option<i64>>,
    #[prop(into)] metrics: Signal<Option<CallMetrics>>,
) -> impl IntoView {
    let started = move || call.with(|c| c.started_at);
    let raw = RawAccess::here();
    view! {
        <header class="call-header">
            <dl class="facts">
                <dt>"Started"</dt>
                <dd>{move || view! { <When at=started() now/> }}</dd>
                <dt>"Outcome"</dt>
                <dd class="outcome" title=move || call.with(|c| c.end_code().map(str::to_string))>{move || call.with(CallSummary::outcome_in_full)}</dd>
                {move || call.with(|c| c.last_speaker.clone()).filter(|_| call.with(CallSummary::is_live)).map(|s| view! {
                    <dt>"Last speaker"</dt><dd>{s}</dd>
                })}
                {move || Some(call.with(|c| c.n_redacted)).filter(|n| *n > 0).map(|n| view! {
                    <dt>"Sensitive data"</dt>
                    <dd data-testid="redacted"><a href="/?q=has:redacted">{format!("{n} redacted")}</a></dd>
                })}
            </dl>
            <MetricsList metrics/>
            {move || call.with(|c| c.summary.clone()).map(|s| view! { <p class="summary">{s}</p> })}
            {move || safe_link(call.with(|c| c.recording_url.clone())).filter(|_| raw).map(|url| view! {
                <Recording url playing/>
            })}
            {raw.then(|| view! {
                <p class="call-links muted">
                    <a href=move || format!("/export/fixture?call={}", format::url_segment(&call.with(|c| c.call_id.clone()))) rel="external" download>
                        "Download this call as a fixture"
                    </a>
                    " — its deliveries with their timing; " <code>"calltrail simulate --from FILE"</code> " sends them again."
                </p>
            })}
            <Permitted action=Action::Administer>
                <ConfirmDelete action="/settings/delete-call".to_string()
                    field=("call_id", call.with_untracked(|c| c.call_id.clone()))
                    what="this call".to_string()
                    consequence="Its events, raw bodies, deliveries, search entries, metrics, alerts and queued forwards are deleted for good; the audit log keeps that you did it."/>
            </Permitted>
        </header>
    }
}

/// An inline player for an `https://` recording or one calltrail serves
/// itself (the page's policy lets media come from this site and https
/// only); a link for anything else.
#[component]
fn Recording(url: String, playing: WriteSignal<Option<i64>>) -> impl IntoView {
    if !url.to_ascii_lowercase().starts_with("https://") && !is_own_recording(&url) {
        return view! {
            <p class="recording">"Recording: " <a href=url target="_blank" rel="noopener noreferrer">"listen"</a></p>
        }
        .into_any();
    }
    // The platform's links expire, or need its sign-in: say so rather than
    // leave a player that does nothing.
    let failed = RwSignal::new(false);
    view! {
        <div class="recording">
            <audio
                id="recording"
                controls
                preload="none"
                src=url.clone()
                aria-label="Call recording"
                on:timeupdate=move |ev| playing.set(media_time_ms(&ev))
                on:error=move |_| failed.set(true)
            ></audio>
            <Show when=move || failed.get()>
                <p class="error-text" role="alert" data-testid="recording-error">
                    "The recording could not be loaded: its link may have expired, or the platform "
                    "may need you signed in. Try opening the file directly."
                </p>
            </Show>
            <p class="muted">"Click an item's time to play from there. "
                <a href=url target="_blank" rel="noopener noreferrer">"Open the file"</a>
            </p>
        </div>
    }
    .into_any()
}

fn media_time_ms(ev: &leptos::ev::Event) -> Option<i64> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlMediaElement>().ok())
            .map(|m| (m.current_time() * 1000.0) as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// Opens (or closes) every item's raw JSON at once.
fn open_all_raw(open: bool) {
    #[cfg(feature = "hydrate")]
    if let Ok(all) = document().query_selector_all(".timeline details.raw") {
        for i in 0..all.length() {
            if let Some(el) = all
                .item(i)
                .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            {
                let _ = el.toggle_attribute_with_force("open", open);
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = open;
}
