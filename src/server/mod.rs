//! Everything that runs only on the server: configuration, accounts and
//! sessions, webhook authentication and ingest, storage, live streams, the
//! HTTP router, and the simulator.

pub mod auth;
pub mod bench;
pub mod child;
pub mod client;
pub mod config;
pub mod crash_check;
pub mod demo;
pub mod ingest;
pub mod listen;
pub mod live;
pub mod router;
pub mod security;
pub mod serve;
pub mod simulate;
pub mod store;
pub mod views;
pub mod webhook_auth;

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use auth::throttle::Throttle;
use config::ServeConfig;
use live::Hub;
use store::Store;
use webhook_auth::WebhookAuth;

/// Shared state of the running server, handed to routes and server functions.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub hub: Hub,
    pub config: Arc<ServeConfig>,
    pub leptos: LeptosOptions,
    pub webhook_auth: Arc<WebhookAuth>,
    pub throttle: Arc<Throttle>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
