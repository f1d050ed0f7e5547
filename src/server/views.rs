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
    let paging = Paging::new(page, CALLS_PER_PAGE);
    let cursor = store.latest_event_id().await?;
    let live = store.live_calls().await?;
    let (past, has_more) = paging.split(store.past_calls(paging.offset, paging.limit).await?);
    let page = paging.page;
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
    let paging = Paging::new(page, DELIVERIES_PER_PAGE);
    let (deliveries, has_more) = paging.split(store.deliveries(paging.offset, paging.limit).await?);
    Ok(DeliveriesPage {
        deliveries,
        page: paging.page,
        has_more,
    })
}

/// One page of a list: rows are asked for with one extra, which tells
/// whether another page follows.
struct Paging {
    page: u32,
    per_page: usize,
    offset: i64,
    limit: i64,
}

impl Paging {
    fn new(page: u32, per_page: u32) -> Self {
        let page = page.max(1);
        Paging {
            page,
            per_page: per_page as usize,
            offset: i64::from(page - 1) * i64::from(per_page),
            limit: i64::from(per_page) + 1,
        }
    }

    fn split<T>(&self, mut rows: Vec<T>) -> (Vec<T>, bool) {
        let more = rows.len() > self.per_page;
        rows.truncate(self.per_page);
        (rows, more)
    }
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
