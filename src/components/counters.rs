//! The small per-call counters: turns, tool calls, tool errors (red when any),
//! hangs (amber), interruptions, transfers.

use leptos::prelude::*;

use crate::model::CallSummary;

#[component]
pub fn Counters(#[prop(into)] call: Signal<CallSummary>) -> impl IntoView {
    let n = move |get: fn(&CallSummary) -> i64| Signal::derive(move || call.with(get));
    view! {
        <span class="counters">
            <Counter class="c-messages" icon="💬" title="turns" n=n(|c| c.n_messages)/>
            <Counter class="c-tools" icon="🔧" title="tool calls" n=n(|c| c.n_tool_calls)/>
            <Counter class="c-errors" icon="⛔" title="tool errors" n=n(|c| c.n_tool_errors)/>
            <Counter class="c-hangs" icon="⏳" title="hangs" n=n(|c| c.n_hangs)/>
            <Counter class="c-interruptions" icon="✂" title="interruptions" n=n(|c| c.n_interruptions)/>
            <Counter class="c-transfers" icon="↪" title="transfers" n=n(|c| c.n_transfers)/>
        </span>
    }
}

#[component]
fn Counter(class: &'static str, icon: &'static str, title: &'static str, n: Signal<i64>) -> impl IntoView {
    let class = move || {
        if n.get() > 0 {
            format!("counter {class} nonzero")
        } else {
            format!("counter {class}")
        }
    };
    view! {
        <span class=class title=title data-counter=title>
            <span aria-hidden="true">{icon}</span>
            <span class="sr-only">{title}": "</span>
            <span class="n">{n}</span>
        </span>
    }
}
