//! Which platform a call came from, as a small tag (its label from
//! `model::platform`).

use leptos::prelude::*;

use crate::model::platform;

#[component]
pub fn SourceBadge(#[prop(into)] source: Signal<String>) -> impl IntoView {
    let label = move || source.with(|s| platform::label(s).to_string());
    view! {
        <span class="tag source" data-source=move || source.get() title="Platform">{label}</span>
    }
}
