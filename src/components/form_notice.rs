//! What the last form post did, from the `?notice=` or `?error=` its
//! redirect carried back to the page.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn FormNotice() -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(error) = q.get("error") {
            Some(view! { <div class="notice notice-error" role="alert" data-testid="form-error">{error}</div> }.into_any())
        } else {
            q.get("notice").map(|notice| {
                view! { <div class="notice notice-ok" role="status" data-testid="form-notice">{notice}</div> }.into_any()
            })
        }
    }
}
