//! Which platform a call came from, as a small tag (its label from the
//! server's [`Platforms`], which the shell provides).

use leptos::prelude::*;

use crate::model::platform::Platforms;

#[component]
pub fn SourceBadge(#[prop(into)] source: Signal<String>) -> impl IntoView {
    let platforms = use_context::<Platforms>().unwrap_or_default();
    let label = move || source.with(|s| platforms.label(s).to_string());
    view! {
        <span class="tag source" data-source=move || source.get() title="Platform">{label}</span>
    }
}
