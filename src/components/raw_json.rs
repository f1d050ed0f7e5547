//! A collapsible, pretty-printed JSON view; a `<details>` element, so it opens
//! with or without JavaScript. Content is always rendered as text.

use leptos::prelude::*;

#[component]
pub fn RawJson(
    #[prop(into)] label: String,
    text: String,
    #[prop(optional)] open: bool,
) -> impl IntoView {
    view! {
        <details class="json raw" open=open>
            <summary>{label}</summary>
            <pre><code>{text}</code></pre>
        </details>
    }
}
