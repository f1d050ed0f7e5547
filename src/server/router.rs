//! The HTTP surface in one place: health and webhooks (open to senders), and
//! the dashboard — pages, server functions, live streams, sign-in — behind a
//! session.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use serde_json::json;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use super::{auth, ingest, live, security, AppState};
use crate::app::{shell, App};

/// Builds the whole application router over `state`.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
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
    let dashboard = Router::new()
        .route("/login", post(auth::routes::login))
        .route("/setup", post(auth::routes::setup))
        .route("/logout", post(auth::routes::logout))
        .leptos_routes_with_context(&state, routes, context.clone(), app_shell)
        .layer(timeout)
        .route("/api/live/calls", get(live::calls_stream))
        .route("/api/live/calls/{call_id}", get(live::call_stream))
        .route_layer(from_fn_with_state(
            state.clone(),
            auth::guard::require_session,
        ))
        .route_layer(from_fn(security::same_origin))
        .layer(auth::session_layer(&state.store, &state.config));
    let bench_noop = state.config.bench_noop;
    let mut open = Router::new().route("/healthz", get(healthz));
    if bench_noop {
        open = open.route("/bench/noop", post(noop).layer(timeout));
    }
    open
        .route(
            "/webhooks/infer",
            post(ingest::infer_webhook).layer(timeout),
        )
        .merge(dashboard)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(from_fn(security::headers))
        // Spans name the path only: a query may hold the webhook token.
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                tracing::info_span!("request", method = %request.method(), path = request.uri().path())
            }),
        )
        .with_state(state)
}

/// `POST /bench/noop`: reads the body and answers, touching nothing else.
async fn noop(body: axum::body::Bytes) -> impl IntoResponse {
    Json(json!({"status": "ok", "bytes": body.len()}))
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
