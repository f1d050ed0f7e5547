//! An event's stored body behind a "raw JSON" disclosure, fetched when it
//! opens: a page carries no bodies (each up to 1 MiB) in its HTML or its
//! hydration data. Without JavaScript the disclosure holds a link to the
//! whole body instead; an item the page shows in part says so and links
//! to it too.

use leptos::prelude::*;

use crate::model::clip::BodyView;
use crate::server_fns::load_event_body;

#[component]
pub fn StoredBody(event_id: i64, clipped: bool) -> impl IntoView {
    let href = StoredValue::new(format!("/events/{event_id}/body"));
    let whole_link = move |text: &'static str| {
        view! { <a class="whole-body" href=href.get_value() target="_blank" rel="noopener">{text}</a> }
    };
    let body = RwSignal::new(None::<Result<Option<BodyView>, String>>);
    let asked = StoredValue::new(false);
    let on_toggle = move |ev: leptos::ev::Event| {
        if is_open(&ev) && !asked.get_value() {
            asked.set_value(true);
            leptos::task::spawn_local(async move {
                let loaded = load_event_body(event_id).await;
                body.set(Some(loaded.map_err(|e| e.to_string())));
            });
        }
    };
    let shown = move || match body.get() {
        None => whole_link("Open the stored body").into_any(),
        Some(Ok(Some(BodyView { text, whole }))) => view! {
            <pre><code>{text}</code></pre>
            {(!whole).then(|| whole_link("Open the whole body"))}
        }
        .into_any(),
        Some(Ok(None)) => {
            view! { <p class="error-text">"This event is no longer stored."</p> }.into_any()
        }
        Some(Err(error)) => view! {
            <p class="error-text">{format!("Could not load the body: {error}")}</p>
        }
        .into_any(),
    };
    view! {
        {clipped.then(|| view! {
            <p class="clipped">"Shown in part: it is large. " {whole_link("Open the whole stored event")}</p>
        })}
        <details class="json raw" on:toggle=on_toggle>
            <summary>"raw JSON"</summary>
            {shown}
        </details>
    }
}

/// Whether the disclosure that sent `ev` is now open.
fn is_open(ev: &leptos::ev::Event) -> bool {
    #[cfg(feature = "hydrate")]
    {
        event_target::<web_sys::Element>(ev).has_attribute("open")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        false
    }
}
