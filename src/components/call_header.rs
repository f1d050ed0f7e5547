//! The head of a call page: id, status, start, duration (ticking while live),
//! outcome, counters, and the report's summary and recording when present.

use leptos::prelude::*;

use super::timeline_entry::safe_link;
use super::{Counters, SourceBadge, StatusBadge};
use crate::model::{format, CallSummary};

#[component]
pub fn CallHeader(call: RwSignal<CallSummary>, now: ReadSignal<i64>) -> impl IntoView {
    let status = Signal::derive(move || call.with(|c| c.status));
    let duration = move || format::duration(call.with(|c| c.duration_at(now.get())));
    view! {
        <header class="call-header">
            <div class="call-title">
                <h1><code class="call-id">{move || call.with(|c| c.call_id.clone())}</code></h1>
                <StatusBadge status/>
                <SourceBadge source=Signal::derive(move || call.with(|c| c.source.clone()))/>
            </div>
            <dl class="facts">
                <dt>"Started"</dt>
                <dd>{move || format::datetime(call.with(|c| c.started_at))}</dd>
                <dt>"Duration"</dt>
                <dd class="duration">{duration}</dd>
                <dt>"Outcome"</dt>
                <dd class="outcome">{move || call.with(CallSummary::outcome)}</dd>
                {move || call.with(|c| c.last_speaker.clone()).filter(|_| call.with(CallSummary::is_live)).map(|s| view! {
                    <dt>"Last speaker"</dt><dd>{s}</dd>
                })}
                {move || safe_link(call.with(|c| c.recording_url.clone())).map(|u| view! {
                    <dt>"Recording"</dt>
                    <dd><a href=u target="_blank" rel="noopener noreferrer">"listen"</a></dd>
                })}
            </dl>
            <Counters call/>
            {move || call.with(|c| c.summary.clone()).map(|s| view! { <p class="summary">{s}</p> })}
        </header>
    }
}
