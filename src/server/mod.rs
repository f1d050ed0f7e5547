//! Everything that runs only on the server: configuration, webhook ingest,
//! storage, live streams, the HTTP router, and the simulator.

pub mod config;
pub mod demo;
pub mod ingest;
pub mod live;
pub mod router;
pub mod serve;
pub mod simulate;
pub mod store;
pub mod views;

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use config::ServeConfig;
use live::Hub;
use store::Store;

/// Shared state of the running server, handed to routes and server functions.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub hub: Hub,
    pub config: Arc<ServeConfig>,
    pub leptos: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
