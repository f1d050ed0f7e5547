//! The 404 page, with a real 404 status in the server render.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound(#[prop(optional, into)] what: Option<String>) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found"/>
        <section class="empty not-found">
            <h1>"Not found"</h1>
            <p>{what.unwrap_or_else(|| "There is no page at this address.".to_string())}</p>
            <p><a href="/">"See all calls"</a></p>
        </section>
    }
}
