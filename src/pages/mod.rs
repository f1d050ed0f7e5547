//! One file per page.

mod call;
mod calls;
mod deliveries;
mod not_found;

pub use call::CallPage;
pub use calls::CallsPage;
pub use deliveries::DeliveriesPage;
pub use not_found::NotFound;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The `?page=N` of the current URL (1 when absent or not a number).
fn page_param() -> Memo<u32> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    })
}

/// A load failure, said plainly.
#[component]
fn LoadError(error: ServerFnError) -> impl IntoView {
    view! {
        <div class="notice notice-error" role="alert">
            <strong>"Something went wrong. "</strong>
            {error.to_string()}
        </div>
    }
}
