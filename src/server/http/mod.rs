//! The HTTP edge: the router, middleware, handlers, live streams (SSE), forms,
//! sign-in, assets, the server functions' page data and [`AppState`].
//! It may import `app`, `config`, `store` and `model`; nothing below imports it.

pub mod access_log;
pub mod api;
pub mod assets;
pub mod audit_export;
pub mod auth;
pub mod bench_routes;
pub mod client_address;
pub mod error;
pub mod export;
pub mod fixture;
pub mod forms;
pub mod listen;
pub mod live;
pub mod mcp;
pub mod page_data;
pub mod readiness;
pub mod recordings;
pub mod router;
pub mod scrape;
pub mod security;
pub mod test_event;
pub mod theme;
pub mod webhooks;

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::server::app::webhook_auth::WebhookAuth;
use crate::server::app::{alerts, export_progress, ingest, outbound, side_effects};
use crate::server::config::ServeConfig;
use crate::server::store::Store;
use auth::throttle::Throttle;
use live::Hub;

/// Shared state of the running server, handed to routes and server functions.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub hub: Hub,
    /// Live streams open per session, and their sessions' latest checks.
    pub streams: live::Streams,
    pub config: Arc<ServeConfig>,
    pub leptos: LeptosOptions,
    pub webhook_auth: Arc<WebhookAuth>,
    pub throttle: Arc<Throttle>,
    /// Who a request came from (peer, trusted proxies); sign-in throttling
    /// and webhook checks both ask it.
    pub client: Arc<client_address::ClientResolver>,
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
    /// Single sign-on, when an OpenID Provider is configured.
    pub sign_on: Option<Arc<crate::server::app::sso::SignOn>>,
    /// What of callers' words is redacted, where and for whom.
    pub redaction: Arc<crate::server::app::redaction::Redaction>,
    /// Each API token's allowance of requests.
    pub api_rate: Arc<api::caller::ApiRate>,
    /// When this server started (epoch ms): calls not heard from since
    /// before it read as stale sooner ([`AppState::stale_after_ms`]).
    pub started_at: i64,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

impl AppState {
    /// How long a live call may be quiet before it reads as stale, now:
    /// `CALLTRAIL_STALE_MINUTES`, shortened after a restart so that calls
    /// orphaned by it leave the Live section a minute later, not 15.
    pub fn stale_after_ms(&self) -> i64 {
        crate::model::stale_after(
            self.config.stale_after_ms(),
            self.started_at,
            crate::server::store::now_ms(),
        )
    }

    /// What a query is run against now: the clock and the stale time.
    pub fn search_at(&self) -> crate::server::store::SearchAt {
        crate::server::store::SearchAt {
            now_ms: crate::server::store::now_ms(),
            stale_after_ms: self.stale_after_ms(),
        }
    }

    /// The parts of the state the side effects (alerts, metrics, outbox) run on.
    pub fn side_effects(&self) -> side_effects::SideEffects {
        side_effects::SideEffects {
            store: self.store.clone(),
            hub: self.hub.clone(),
            alerts: self.alerts.clone(),
            sender: self.sender.clone(),
        }
    }
}
