//! Everything that runs only on the server: configuration, accounts and
//! sessions, webhook authentication and ingest, storage, live streams, the
//! HTTP router, and the simulator.

pub mod access_log;
pub mod alerts;
pub mod assets;
pub mod auth;
pub mod backup;
pub mod bench;
pub mod bench_routes;
pub mod child;
pub mod client;
pub mod config;
pub mod crash_check;
pub mod demo;
pub mod export;
pub mod export_progress;
pub mod fixture;
pub mod forms;
pub mod ingest;
pub mod listen;
pub mod live;
pub mod measure;
pub mod memory;
pub mod metrics;
pub mod network;
pub mod outbound;
pub mod provision;
pub mod readiness;
pub mod router;
pub mod security;
pub mod serve;
pub mod side_effects;
pub mod simulate;
pub mod store;
pub mod test_event;
pub mod theme;
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
    /// Who a request came from (peer, trusted proxies); sign-in throttling
    /// and webhook checks both ask it.
    pub client: Arc<client::ClientResolver>,
    /// Refused webhook deliveries per client address, past which they are
    /// counted rather than each logged.
    pub refusals: Arc<ingest::RefusalLimiter>,
    /// The one-time code `/setup` asks for on a first run reachable from
    /// the network (printed at start-up); `None` when none is needed.
    pub setup_code: Option<Arc<str>>,
    /// Live alert notices, and the outbox worker's wake-up.
    pub alerts: alerts::AlertHub,
    /// Sends forwards and notifications (and "Send test").
    pub sender: outbound::Sender,
    /// Exports under way, for their pages' progress lines.
    pub exports: export_progress::Exports,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
