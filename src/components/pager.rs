//! Newer / older links between pages of a list; plain links, so they work
//! without JavaScript.

use leptos::prelude::*;

#[component]
pub fn Pager(#[prop(into)] base: String, page: u32, has_more: bool) -> impl IntoView {
    // `base` may carry a query of its own (`/?q=…`).
    let join = if base.contains('?') { '&' } else { '?' };
    let newer = (page > 1).then(|| {
        let href = if page == 2 {
            base.clone()
        } else {
            format!("{base}{join}page={}", page - 1)
        };
        view! { <a class="pager-link" href=href>"← Newer"</a> }
    });
    let older = has_more.then(
        || view! { <a class="pager-link" href=format!("{base}{join}page={}", page + 1)>"Older →"</a> },
    );
    view! {
        <nav class="pager" aria-label="pages">
            {newer}
            <span class="pager-page">"Page " {page}</span>
            {older}
        </nav>
    }
}
