//! What the last form post did, from the code its redirect carried back to
//! the page (`?notice=` or `?error=`): only messages calltrail wrote are
//! shown, so a link cannot put words of its own in the banner.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::model::{FormError, Notice};

#[component]
pub fn FormNotice() -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        let error = q.get("error").as_deref().and_then(FormError::from_code);
        let notice = q.get("notice").as_deref().and_then(Notice::from_code);
        match (error, notice) {
            (Some(error), _) => Some(view! { <div class="notice notice-error" role="alert" data-testid="form-error">{error.message()}</div> }.into_any()),
            (None, Some(notice)) => Some(view! { <div class="notice notice-ok" role="status" data-testid="form-notice">{notice.message()}</div> }.into_any()),
            (None, None) => None,
        }
    }
}
