//! A call's status: a pulsing dot for live calls, and always a word, so colour
//! is never the only signal.

use leptos::prelude::*;

use crate::model::CallStatus;

#[component]
pub fn StatusBadge(#[prop(into)] status: Signal<CallStatus>) -> impl IntoView {
    view! {
        <span class=move || format!("status status-{}", status.get().as_str())>
            <span class="dot" aria-hidden="true"></span>
            {move || status.get().as_str()}
        </span>
    }
}
