//! The HTTP surface in one place: health, webhooks (open to senders) and
//! static assets, and the dashboard — pages, server functions, live streams,
//! sign-in, the not-found fallback — behind a session.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use serde_json::json;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::server::app::audit;
use crate::server::http::auth::actor::Acting;
use crate::server::http::error::ApiError;
use crate::server::http::security::AllowedHosts;
use crate::server::store;
use crate::server::store::prelude::*;
use crate::server::{
    app::prometheus, http::access_log, http::api, http::assets, http::auth, http::bench_routes,
    http::forms, http::live, http::mcp, http::readiness, http::scrape, http::security,
    http::webhooks, http::AppState,
};
use crate::shell::{shell, App};

/// The app's page routes, generated once per process. Generating them raises
/// a process-wide flag in leptos that leaves every resource first polled
/// meanwhile pending for good (leptos-rs/leptos#4773): a router built while
/// another serves (each test, each in-process instance) must not generate
/// them again.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));
    ROUTES.clone()
}

/// Builds the whole application router over `state`.
///
/// Two halves: what is open (health and readiness, metrics and the webhook
/// routes with their own access rules, and the built site's static files,
/// each routed explicitly), and the dashboard, where one guard stands in front of every
/// page, server function, live stream and the not-found fallback — `layer`
/// (unlike `route_layer`) wraps the fallback too, so no spelling of a path
/// renders the app without a session.
pub fn router(state: AppState) -> Router {
    // Before any request, so the first deliveries are counted too.
    prometheus::install();
    let routes = page_routes();
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let app_shell = {
        let options = state.leptos.clone();
        move || shell(options.clone())
    };
    // Slow or stalled requests end; live streams are long by design.
    let timeout = TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        Duration::from_secs(state.config.request_timeout_secs),
    );
    let hosts = Arc::new(AllowedHosts::new(
        state.config.public_url.as_deref(),
        state.config.allowed_hosts.as_deref(),
    ));
    let dashboard = Router::new()
        .route("/login", post(auth::routes::login))
        .route("/setup", post(auth::routes::setup))
        .route("/logout", post(auth::routes::logout))
        .route("/invite/{token}", post(auth::invite::redeem))
        .route("/sso/start", get(auth::sso::start))
        .route("/sso/callback", get(auth::sso::callback))
        .route("/theme", post(crate::server::http::theme::choose))
        .route("/deliveries/{id}/body", get(delivery_body))
        .route("/events/{id}/body", get(event_body))
        .route(
            "/recordings/{platform}/{call_id}",
            get(crate::server::http::recordings::recording),
        )
        .merge(forms::routes())
        .leptos_routes_with_context(&state, routes, context.clone(), app_shell.clone())
        // A signed-in person asking for an unknown page gets the app's 404 page.
        .fallback(leptos_axum::render_app_to_stream_with_context(
            context, app_shell,
        ))
        .layer(timeout)
        // Exports stream for as long as they take.
        .route("/export", get(crate::server::http::export::export))
        .route(
            "/export/fixture",
            get(crate::server::http::fixture::download),
        )
        .route(
            "/settings/audit/export",
            get(crate::server::http::audit_export::export),
        )
        .route("/api/live/calls", get(live::calls_stream))
        .route("/api/live/deliveries", get(live::deliveries_stream))
        .route("/api/live/calls/{call_id}", get(live::call_stream))
        .route("/api/live/alerts", get(live::alerts_stream))
        .layer(from_fn_with_state(
            state.clone(),
            auth::guard::require_session,
        ))
        .layer(from_fn(security::same_origin))
        .layer(auth::session_layer(&state.store, &state.config))
        .layer(from_fn_with_state(hosts, security::check_host));
    let mut open = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readiness::readyz))
        // Loopback clients, or others with CALLTRAIL_METRICS_TOKEN (checked inside).
        .route("/metrics", get(scrape::scrape))
        .merge(webhooks::routes().layer(timeout))
        // Signed with API tokens, not sessions (checked inside); streams are long.
        .merge(api::routes(&state))
        .merge(mcp::routes(&state))
        .merge(assets::routes(state.config.site_root.as_deref()));
    if state.config.bench_noop {
        tracing::warn!(
            "CALLTRAIL_BENCH_NOOP is on: POST /bench/noop and /bench/naive answer anyone; use it for benchmarks only"
        );
        // The naive baseline is a SQLite file whatever the database: beside
        // it, or in the temporary folder when calltrail runs on PostgreSQL.
        let naive_db = match state.config.db.sqlite_file() {
            Some(db) => db.with_extension("naive.db"),
            None => std::env::temp_dir().join(format!("calltrail-{}.naive.db", std::process::id())),
        };
        open = open.merge(bench_routes::routes(naive_db).layer(timeout));
    }
    let https = state.config.public_url_is_https();
    open.merge(dashboard)
        .layer(from_fn_with_state(https, security::headers))
        // Spans name the path only: a query may hold the webhook token.
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                tracing::info_span!("request", method = %request.method(), path = request.uri().path())
            }),
        )
        .layer(from_fn(access_log::access_log))
        .with_state(state)
}

/// `GET /deliveries/{id}/body`: one delivery's whole body, as plain text
/// (the delivery log shows only the start of each).
async fn delivery_body(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
) -> Response {
    let said = "opened the delivery's raw body";
    audit::record(
        &state.store,
        &acting.actor,
        "raw.view",
        &format!("delivery {id}"),
        said,
    )
    .await;
    stored_body(state.store.delivery_body(id).await, "delivery")
}

/// `GET /events/{id}/body`: the whole body one event was stored from, as
/// plain text (a call page shows a bounded part of each).
async fn event_body(
    State(state): State<AppState>,
    acting: Acting,
    Path(id): Path<i64>,
) -> Response {
    let said = "opened the event's raw body";
    audit::record(
        &state.store,
        &acting.actor,
        "raw.view",
        &format!("event {id}"),
        said,
    )
    .await;
    stored_body(state.store.event_body(id).await, "event")
}

/// A stored body as plain text; 404 when there is no such `what`.
fn stored_body(found: Result<Option<String>, store::Error>, what: &str) -> Response {
    match found {
        Ok(Some(body)) => {
            ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
        }
        Ok(None) => ApiError::not_found(what).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not read a stored {what} body");
            ApiError::from(e).into_response()
        }
    }
}

/// `GET /healthz`: 200 while the database answers.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    if state.store.ping().await {
        (StatusCode::OK, Json(json!({"status": "ok"})))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "unavailable", "detail": "the database does not answer"})),
        )
    }
}
