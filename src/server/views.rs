//! What each page shows, assembled from the store. Server functions call these;
//! tests call them directly.

use axum::http::{header, HeaderMap};
use leptos::prelude::{use_context, ServerFnError};

use super::store::{now_ms, Store};
use super::AppState;
use crate::model::{CallTimeline, CallsPage, DeliveriesPage};

/// Past calls per page on `/`.
pub const CALLS_PER_PAGE: u32 = 50;
/// Deliveries per page on `/deliveries`.
pub const DELIVERIES_PER_PAGE: u32 = 50;

pub async fn calls_page(
    store: &Store,
    page: u32,
    webhook_url: String,
) -> Result<CallsPage, sqlx::Error> {
    let page = page.max(1);
    let cursor = store.latest_event_id().await?;
    let live = store.live_calls().await?;
    let offset = i64::from((page - 1) * CALLS_PER_PAGE);
    let mut past = store
        .past_calls(offset, i64::from(CALLS_PER_PAGE) + 1)
        .await?;
    let has_more = past.len() > CALLS_PER_PAGE as usize;
    past.truncate(CALLS_PER_PAGE as usize);
    Ok(CallsPage {
        live,
        past,
        page,
        has_more,
        cursor,
        now: now_ms(),
        webhook_url,
    })
}

pub async fn call_timeline(
    store: &Store,
    call_id: &str,
) -> Result<Option<CallTimeline>, sqlx::Error> {
    let Some(call) = store.call(call_id).await? else {
        return Ok(None);
    };
    let items = store.timeline(call_id).await?;
    // The newest id read, so the live stream resumes exactly after what is shown.
    let cursor = items
        .iter()
        .map(|i| i.id)
        .max()
        .unwrap_or(0)
        .max(call.last_event_id);
    Ok(Some(CallTimeline {
        call,
        items,
        cursor,
        now: now_ms(),
    }))
}

pub async fn deliveries_page(store: &Store, page: u32) -> Result<DeliveriesPage, sqlx::Error> {
    let page = page.max(1);
    let offset = i64::from((page - 1) * DELIVERIES_PER_PAGE);
    let mut deliveries = store
        .deliveries(offset, i64::from(DELIVERIES_PER_PAGE) + 1)
        .await?;
    let has_more = deliveries.len() > DELIVERIES_PER_PAGE as usize;
    deliveries.truncate(DELIVERIES_PER_PAGE as usize);
    Ok(DeliveriesPage {
        deliveries,
        page,
        has_more,
    })
}

/// The server state, inside a server function or a server render.
pub fn state() -> Result<AppState, ServerFnError> {
    use_context::<AppState>().ok_or_else(|| ServerFnError::new("server state is missing"))
}

/// Logs an internal error and gives the browser a safe message.
pub fn internal(what: &str, e: impl std::fmt::Display) -> ServerFnError {
    tracing::error!(error = %e, "could not load {what}");
    ServerFnError::new(format!("could not load {what}; the server log has details"))
}

/// The webhook URL to show, as this request reached the server.
pub async fn webhook_url() -> String {
    let host = leptos_axum::extract::<HeaderMap>()
        .await
        .ok()
        .and_then(|h| {
            h.get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        });
    match host {
        Some(host) => format!("http://{host}/webhooks/infer"),
        None => "/webhooks/infer".to_string(),
    }
}
