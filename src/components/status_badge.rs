//! A call's status: a pulsing dot for live calls, and always a word, so colour
//! is never the only signal. A live call quiet too long says it is stale,
//! and for how long.

use leptos::prelude::*;

use crate::model::{format, CallStatus};

#[component]
pub fn StatusBadge(
    #[prop(into)] status: Signal<CallStatus>,
    /// Set while the call is stale: how long it has been quiet (ms).
    #[prop(into)]
    stale_for: Signal<Option<i64>>,
) -> impl IntoView {
    move || match stale_for.get() {
        Some(quiet) => view! {
            <span class="status status-stale">
                <span class="dot" aria-hidden="true"></span>
                {format!("stale — no events for {}", format::duration(quiet))}
            </span>
        }
        .into_any(),
        None => view! {
            <span class=format!("status status-{}", status.get().as_str())>
                <span class="dot" aria-hidden="true"></span>
                {status.get().as_str()}
            </span>
        }
        .into_any(),
    }
}
