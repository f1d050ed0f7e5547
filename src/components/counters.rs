//! The small per-call counters: turns, tool calls, tool errors (red when any),
//! hangs (amber), interruptions, transfers. Words, not icons, so they read
//! the same everywhere.

use leptos::prelude::*;

use crate::model::CallSummary;

#[component]
pub fn Counters(#[prop(into)] call: Signal<CallSummary>) -> impl IntoView {
    let n = move |get: fn(&CallSummary) -> i64| Signal::derive(move || call.with(get));
    view! {
        <span class="counters">
            <Counter class="c-messages" label=("turn", "turns") title="turns" n=n(|c| c.n_messages)/>
            <Counter class="c-tools" label=("tool", "tools") title="tool calls" n=n(|c| c.n_tool_calls)/>
            <Counter class="c-errors" label=("error", "errors") title="tool errors" n=n(|c| c.n_tool_errors)/>
            <Counter class="c-hangs" label=("hang", "hangs") title="hangs" n=n(|c| c.n_hangs)/>
            <Counter class="c-interruptions" label=("cut", "cuts") title="interruptions" n=n(|c| c.n_interruptions)/>
            <Counter class="c-transfers" label=("transfer", "transfers") title="transfers" n=n(|c| c.n_transfers)/>
        </span>
    }
}

#[component]
fn Counter(
    class: &'static str,
    label: (&'static str, &'static str),
    title: &'static str,
    n: Signal<i64>,
) -> impl IntoView {
    let class = move || {
        if n.get() > 0 {
            format!("counter {class} nonzero")
        } else {
            format!("counter {class}")
        }
    };
    view! {
        <span class=class title=title data-counter=title>
            <span class="n">{n}</span>
            " "
            <span class="label">{move || if n.get() == 1 { label.0 } else { label.1 }}</span>
        </span>
    }
}
