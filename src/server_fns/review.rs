//! Reviewing's pages: the review queues, a call opened through a shared
//! link, and two calls side by side.

use leptos::prelude::*;

use super::PageError;
use crate::model::compare::SearchesPage;
use crate::model::review::{QueuesPage, SharedCall};
use crate::model::ComparePage;

/// The review queues with their progress, and the flag reasons.
#[server(endpoint = "load_queues")]
pub async fn load_queues() -> Result<QueuesPage, PageError> {
    use crate::server::http::page_data;
    let state = page_data::permitted_state("load_queues")?;
    let Some(you) = page_data::current_user() else {
        return Err(PageError::NotSignedIn);
    };
    page_data::queues_page(&state, &you)
        .await
        .map_err(|e| page_data::internal("the review queues", e))
}

/// The call a shared link opens; `None` when the link is unknown, revoked
/// or expired. Open to anyone who holds the link; each view is audited.
#[server(endpoint = "load_shared_call")]
pub async fn load_shared_call(secret: String) -> Result<Option<SharedCall>, PageError> {
    use crate::server::http::page_data;
    let state = page_data::state()?;
    let address = page_data::client_address(&state);
    let shared = page_data::shared_call(&state, &secret, address)
        .await
        .map_err(|e| page_data::internal("the shared call", e))?;
    Ok(shared.ok())
}

/// Two calls side by side: `a` and `b` by id.
#[server(endpoint = "load_comparison")]
pub async fn load_comparison(a: String, b: String) -> Result<Option<ComparePage>, PageError> {
    use crate::server::http::page_data;
    let state = page_data::permitted_state("load_comparison")?;
    page_data::compare_page(&state, &a, &b)
        .await
        .map_err(|e| page_data::internal("the calls", e))
}

/// Two searches side by side: each one's calls summed up. Refused, saying
/// what is wrong, when a query cannot be read.
#[server(endpoint = "load_search_comparison")]
pub async fn load_search_comparison(qa: String, qb: String) -> Result<SearchesPage, PageError> {
    use crate::server::http::page_data;
    let state = page_data::permitted_state("load_search_comparison")?;
    page_data::restricted::check_query(&state, Some(&qa))?;
    page_data::restricted::check_query(&state, Some(&qb))?;
    page_data::searches_page(&state, qa, qb)
        .await
        .map_err(|e| page_data::internal("the calls", e))?
        .map_err(PageError::Refused)
}
