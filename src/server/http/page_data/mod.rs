//! What each page shows, assembled from the store. Server functions call these;
//! tests call them directly.

use axum::http::{header, HeaderMap, Method};
use leptos::prelude::use_context;

use crate::model::query::Query;
use crate::model::Action;
use crate::model::{
    CallsPage, ConnectInfo, DeliveriesPage, DeliveryFilter, SearchResults, Sort, Viewer,
};
use crate::server::app::audit::Actor;
use crate::server::app::webhook_auth::RotateError;
use crate::server::http::auth::permits::{self, Need};
use crate::server::http::auth::CurrentUser;
use crate::server::http::client_address::client_ip;
use crate::server::http::AppState;
use crate::server::store;
use crate::server::store::{now_ms, SearchAt, SearchFrom, Store};
use crate::server_fns::PageError;

mod alerts;
mod call;
mod compare;
mod insights;
pub mod restricted;
mod review;
mod settings;
mod tokens;
mod users;
pub use crate::server::app::platforms::listed as platforms;
use crate::server::store::prelude::*;
pub use alerts::{alerts_page, automations_page, issues_page, rules_page};
pub use call::{call_timeline, event_body, first_window, window_holding, TIMELINE_WINDOW};
pub use compare::{compare_page, searches_page};
pub use insights::insights_page;
pub use review::{add_review, first_problem, queues_page, review_desk, shared_call, NEW_SHARE};
pub use settings::{retention_settings, settings_page};
pub use tokens::{tokens_page, NEW_TOKEN};
pub use users::{audit_filter, audit_page, invite_view, users_page, AUDIT_PER_PAGE, NEW_LINK};

/// Past calls per page on `/`.
pub const CALLS_PER_PAGE: u32 = 50;
/// Deliveries per page on `/deliveries`.
pub const DELIVERIES_PER_PAGE: u32 = 50;

pub async fn calls_page(
    store: &Store,
    page: u32,
    (q, sort): (Option<String>, Option<String>),
    connect: ConnectInfo,
    stale_after_ms: i64,
    user_id: Option<i64>,
) -> Result<CallsPage, store::Error> {
    let paging = Paging::new(page, CALLS_PER_PAGE);
    let cursor = store.latest_event_id().await?;
    let sort = sort
        .filter(|s| !s.trim().is_empty())
        .map_or(Ok(Sort::default()), |s| Sort::parse(&s));
    let q = q.filter(|q| !q.trim().is_empty());
    // Any order but the default lists the calls a query (maybe empty) selects.
    let q = match (q, &sort) {
        (None, Ok(sort)) if *sort == Sort::default() => None,
        (q, _) => Some(q.unwrap_or_default()),
    };
    let (live, past, search, has_more) = match q {
        None => {
            let live = store.live_calls().await?;
            let (past, has_more) =
                paging.split(store.past_calls(paging.offset, paging.limit).await?);
            (live, past, None, has_more)
        }
        Some(q) => {
            let at = SearchAt {
                now_ms: now_ms(),
                stale_after_ms,
            };
            let (hits, error, has_more) = match Query::parse(&q)
                .map_err(|e| e.to_string())
                .and_then(|query| Ok((query, sort.clone()?)))
            {
                Ok((query, sort)) => {
                    let (hits, more) = paging.split(
                        store
                            .search_calls(
                                &query,
                                at,
                                SearchFrom::Offset(paging.offset, sort),
                                paging.limit,
                            )
                            .await?,
                    );
                    (hits, None, more)
                }
                Err(e) => (Vec::new(), Some(e), false),
            };
            let search = SearchResults { q, error, hits };
            (Vec::new(), Vec::new(), Some(search), has_more)
        }
    };
    let page = paging.page;
    let shown: Vec<&str> = live
        .iter()
        .chain(&past)
        .chain(search.iter().flat_map(|s| s.hits.iter().map(|h| &h.call)))
        .map(|c| c.call_id.as_str())
        .collect();
    let metrics = store.call_metrics(&shown).await?;
    let owned: Vec<String> = shown.iter().map(|id| id.to_string()).collect();
    let review = store.review_marks(&owned).await?;
    Ok(CallsPage {
        live,
        past,
        page,
        has_more,
        cursor,
        now: now_ms(),
        connect,
        stale_after_ms,
        agent_connected: store.has_agent_calls().await?,
        search,
        saved: match user_id {
            Some(id) => store.saved_views(id).await?,
            None => Vec::new(),
        },
        sort: sort.unwrap_or_default(),
        metrics,
        review,
    })
}

pub async fn deliveries_page(
    store: &Store,
    page: u32,
    filter: DeliveryFilter,
) -> Result<DeliveriesPage, store::Error> {
    let paging = Paging::new(page, DELIVERIES_PER_PAGE);
    // Read first: a delivery written meanwhile comes through the live log.
    let cursor = store.latest_delivery_id().await?;
    let (deliveries, has_more) = paging.split(
        store
            .find_deliveries(&filter, paging.offset, paging.limit)
            .await?,
    );
    let unmapped = match paging.page {
        1 => store.unmapped().await?,
        _ => Vec::new(),
    };
    Ok(DeliveriesPage {
        filter,
        deliveries,
        page: paging.page,
        has_more,
        cursor,
        unmapped,
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
pub fn state() -> Result<AppState, PageError> {
    use_context::<AppState>().ok_or_else(|| PageError::Failed("the server's state".into()))
}

/// What the server function at `endpoint` reads or changes dashboard data
/// with: the server state, only while someone is signed in whose role may
/// do what the permission table says of `POST /api/{endpoint}`. The guard
/// already stands in front of every route, but a server render calls server
/// functions in-process, so each checks for itself as well.
pub fn permitted_state(endpoint: &str) -> Result<AppState, PageError> {
    let Some(user) = current_user() else {
        return Err(PageError::NotSignedIn);
    };
    match permits::needed(&Method::POST, &format!("/api/{endpoint}")) {
        Need::Permit(action) if !user.role.may(action) => Err(PageError::NotPermitted),
        _ => state(),
    }
}

/// Logs a store error and gives the browser a safe one: `Unavailable` when
/// trying again may work, else that loading `what` failed.
pub fn internal(what: &str, e: store::Error) -> PageError {
    tracing::error!(error = %e, "could not load {what}");
    if e.is_unavailable() {
        PageError::Unavailable
    } else {
        PageError::Failed(what.to_string())
    }
}

/// Why the webhook token was not rotated, as the settings page says it.
pub fn rotate_refused(e: RotateError) -> PageError {
    match e {
        RotateError::Database(e) => internal("a new webhook token", e),
        refused => PageError::Refused(refused.to_string()),
    }
}

/// Whether the signed-in account's role may do `action` (no one signed in: no).
pub fn may(action: Action) -> bool {
    current_user().is_some_and(|user| user.role.may(action))
}

/// Writes what the request being served did to the audit log.
pub async fn audit(state: &AppState, action: &str, target: &str, summary: &str) {
    crate::server::app::audit::record(&state.store, &actor(state), action, target, summary).await;
}

/// The address of the client of the request being served.
pub fn client_address(state: &AppState) -> Option<std::net::IpAddr> {
    let parts = use_context::<axum::http::request::Parts>();
    parts.as_ref().and_then(|parts| client_ip(parts, state))
}

/// Who is acting in the request being served, for the audit log.
fn actor(state: &AppState) -> Actor {
    let address = client_address(state);
    let name = current_user().map_or_else(|| "(nobody)".to_string(), |u| u.username);
    Actor::new(name, address)
}

/// The signed-in account of the request being served (the guard put it there).
pub fn current_user() -> Option<CurrentUser> {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CurrentUser>().cloned())
}

/// Who is looking, for the layout.
pub async fn viewer(state: &AppState) -> Result<Option<Viewer>, store::Error> {
    let Some(user) = current_user() else {
        return Ok(None);
    };
    Ok(Some(Viewer {
        username: user.username,
        role: user.role,
        webhook_open: state.webhook_auth.checks.open(),
        open_alerts: state.store.open_alerts().await?,
    }))
}

/// This server's address as people reach it: `CALLTRAIL_PUBLIC_URL`, else
/// the request's `Host` (empty when neither is known).
pub async fn base_url(state: &AppState) -> String {
    match &state.config.public_url {
        Some(url) => url.clone(),
        None => {
            let host = leptos_axum::extract::<HeaderMap>()
                .await
                .ok()
                .and_then(|h| {
                    h.get(header::HOST)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string)
                });
            host.map_or_else(String::new, |host| format!("http://{host}"))
        }
    }
}

/// How to connect an agent, with URLs as this server is reached
/// ([`base_url`]); the token itself only for admins.
pub async fn connect_info(state: &AppState) -> ConnectInfo {
    let base = base_url(state).await;
    let mut info = state.webhook_auth.connect_info(&base);
    info.public_url_set = state.config.public_url.is_some();
    let admin = may(Action::Administer);
    match state.webhook_auth.current_token() {
        Some(token) if !admin => info.hiding(&token),
        _ => info,
    }
}
