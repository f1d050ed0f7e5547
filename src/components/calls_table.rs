//! A table of calls: one dense row each, collapsing to cards on a phone.

use leptos::prelude::*;

use super::{Counters, SourceBadge, StatusBadge};
use crate::model::{event_link, format, CallSummary};

#[component]
pub fn CallsTable(
    #[prop(into)] calls: Signal<Vec<CallSummary>>,
    now: ReadSignal<i64>,
    caption: &'static str,
) -> impl IntoView {
    view! {
        <table class="calls">
            <caption class="sr-only">{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Call"</th>
                    <th scope="col">"Started"</th>
                    <th scope="col">"Duration"</th>
                    <th scope="col">"Outcome"</th>
                    <th scope="col">"Events"</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || calls.get() key=|c| (c.call_id.clone(), c.last_event_id) let(call)>
                    <CallRow call now/>
                </For>
            </tbody>
        </table>
    }
}

#[component]
fn CallRow(call: CallSummary, now: ReadSignal<i64>) -> impl IntoView {
    let href = event_link(&call.call_id, None);
    let trouble = call.had_trouble();
    let live = call.is_live();
    let state = live
        .then(|| call.last_speaker.clone().map(|s| format!("last: {s}")))
        .flatten();
    let duration = {
        let call = call.clone();
        move || format::duration(call.duration_at(now.get()))
    };
    let status = call.status;
    let call_id = call.call_id.clone();
    let source = call.source.clone();
    view! {
        <tr class:trouble=trouble class:live=live data-call-id=call.call_id.clone()>
            <td data-label="Status"><StatusBadge status/></td>
            <td data-label="Call">
                <a class="call-id" href=href>{call_id}</a>
                " "<SourceBadge source=source/>
                {state.map(|s| view! { <span class="muted state">" " {s}</span> })}
            </td>
            <td data-label="Started">{format::datetime(call.started_at)}</td>
            <td data-label="Duration" class="duration">{duration}</td>
            <td data-label="Outcome" class="outcome">{call.outcome()}</td>
            <td data-label="Events"><Counters call=Signal::stored(call.clone())/></td>
        </tr>
    }
}
