//! Which platform a call came from (Infer, Vapi, Retell), as a small tag.

use leptos::prelude::*;

#[component]
pub fn SourceBadge(#[prop(into)] source: Signal<String>) -> impl IntoView {
    let label = move || {
        source.with(|s| match s.as_str() {
            "infer" => "Infer".to_string(),
            "vapi" => "Vapi".to_string(),
            "retell" => "Retell".to_string(),
            other => other.to_string(),
        })
    };
    view! {
        <span class="tag source" data-source=move || source.get() title="Platform">{label}</span>
    }
}
