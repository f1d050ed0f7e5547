//! Who is on a call, when the platform said: the caller and the agent, each
//! a link to the calls list narrowed to them.

use leptos::prelude::*;

use crate::model::calls_with;

#[component]
pub fn CallParties(caller: Option<String>, agent: Option<String>) -> impl IntoView {
    let both = caller.is_some() && agent.is_some();
    let party = |key: &'static str, label: &'static str, value: String| {
        let title = format!("{label}: other calls with {value}");
        let href = calls_with(key, &value);
        view! {
            <a class="party" href=href title=title>
                <span class="sr-only">{format!("{label} ")}</span>{value}
            </a>
        }
    };
    (caller.is_some() || agent.is_some()).then(|| {
        view! {
            <span class="parties">
                {caller.map(|c| party("caller", "Caller", c))}
                {both.then_some(" · ")}
                {agent.map(|a| party("agent", "Agent", a))}
            </span>
        }
    })
}
