//! Starting and stopping the server: open the database, build the router,
//! listen, and shut down gracefully (live streams end, in-flight writes finish).

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use leptos::config::LeptosOptions;
use tokio::sync::watch;

use crate::server::app::live::Hub;
use crate::server::app::redaction::Redaction;
use crate::server::app::webhook_auth::WebhookAuth;
use crate::server::config::ServeConfig;
use crate::server::store::prelude::*;
use crate::server::store::Store;
use crate::server::{
    cli::demo, http::assets, http::auth, http::listen, http::router, http::AppState,
};

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn run(config: ServeConfig) -> anyhow::Result<()> {
    let (stop, stopping) = watch::channel(false);
    let hub = Hub::new(stopping.clone());
    let store = Store::open(&config.db, hub.publisher())
        .await
        .with_context(|| format!("opening the database {}", config.db))?;
    auth::ensure_admin(&store, &config).await?;
    auth::spawn_session_cleanup(&store);
    let mut state = app_state(store, hub, config).await?;
    state.setup_code = auth::setup_code::for_first_run(&state).await?;
    let config = state.config.clone();
    if let Some(path) = &config.outbound.provision {
        let provision = crate::server::app::provision::apply_file(
            path,
            &state.store,
            config.outbound.allow_private_destinations,
        )
        .await?;
        if let Some(file) = &provision.redaction {
            state.redaction = Arc::new(
                Redaction::configure(&config.redaction, &config.redaction_detectors, Some(file))
                    .context("the provisioning file's [redaction]")?,
            );
            state.sender = crate::server::app::outbound::Sender::new(
                state.store.clone(),
                &config.outbound,
                config.base_url(),
                state.redaction.clone(),
            )?;
        }
    }
    let side_effects =
        crate::server::app::side_effects::start(state.side_effects(), stopping.clone())
            .context("starting the alert and forwarding thread")?;
    let refusals =
        crate::server::app::ingest::spawn_flush(state.refusals.clone(), state.store.clone());
    crate::server::app::retention::spawn(state.store.clone(), &config, stopping.clone());
    crate::server::cli::memory::spawn_trimmer(stopping.clone());
    if state.webhook_auth.checks.open() {
        tracing::warn!(
            "CALLTRAIL_WEBHOOK_AUTH=none: anyone who can reach the webhook route can post events"
        );
    }
    let shutdown = shutdown_signal();
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("listening on {}", config.addr))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, db = %config.db, "calltrail is listening on http://{addr}");
    if !state.store.has_users().await? {
        tracing::info!("no account yet: open http://{addr}/setup to create the admin account");
    }
    if config.demo {
        let base = format!("http://{addr}");
        tokio::spawn(demo::run(base, state.webhook_auth.clone(), stopping));
        tracing::info!("demo mode: simulated calls are running");
    }
    let store = state.store.clone();
    let app = router::router(state);
    let limits = listen::Limits {
        header_timeout: Duration::from_secs(config.request_timeout_secs),
        idle_timeout: Duration::from_secs(config.idle_timeout_secs),
        max_connections: config.max_connections,
    };
    listen::serve(listener, app, limits, async move {
        shutdown.await;
        tracing::info!("shutting down");
        let _ = stop.send(true);
    })
    .await;
    // After the last request: log what the refusal limiter still counts.
    refusals.finish().await;
    // Rules store their cursor, the outbox its last attempts.
    let _ = tokio::task::spawn_blocking(move || side_effects.join()).await;
    // The writer's last batch commits before the connections close.
    store.close().await;
    Ok(())
}

/// The state the router and server functions share. Fails on a webhook
/// authentication setting that is malformed or contradictory.
pub async fn app_state(store: Store, hub: Hub, config: ServeConfig) -> anyhow::Result<AppState> {
    let webhook_auth = WebhookAuth::load(&config.webhook, &store).await?;
    let client = crate::server::http::client_address::ClientResolver::from_config(
        config.webhook.trusted_proxies.as_deref(),
    )?;
    let leptos = LeptosOptions::builder()
        .output_name("calltrail")
        .site_root(config.site_root.as_deref().unwrap_or("target/site"))
        .site_pkg_dir(assets::pkg_dir(config.site_root.as_deref()))
        .site_addr(config.addr)
        .build();
    let redaction = Arc::new(
        Redaction::configure(&config.redaction, &config.redaction_detectors, None)
            .context("CALLTRAIL_REDACTION / CALLTRAIL_REDACTION_DETECTORS")?,
    );
    let sender = crate::server::app::outbound::Sender::new(
        store.clone(),
        &config.outbound,
        config.base_url(),
        redaction.clone(),
    )?;
    let sign_on = crate::server::app::sso::SignOn::from_config(&config)?.map(Arc::new);
    // Review changes made on other instances reach this one's call pages.
    let told = hub.clone();
    let stopping = hub.clone();
    store
        .watch_reviews(
            Arc::new(move |call_id: &str| told.review_changed(call_id)),
            async move { stopping.stopping().await },
        )
        .await?;
    Ok(AppState {
        api_rate: Arc::new(crate::server::http::api::caller::ApiRate::new(
            config.api_rate_per_minute,
        )),
        sign_on,
        redaction,
        started_at: crate::server::store::now_ms(),
        sender,
        alerts: Default::default(),
        store,
        hub,
        streams: Default::default(),
        config: Arc::new(config),
        leptos,
        webhook_auth: Arc::new(webhook_auth),
        throttle: Arc::default(),
        client: Arc::new(client),
        refusals: Arc::default(),
        setup_code: None,
        exports: Default::default(),
    })
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    // Registered now, before the port opens: a SIGTERM that comes as soon
    // as the server answers is handled, not left to the default (death).
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        )
    };
    async move {
        #[cfg(unix)]
        match signals {
            (Ok(mut interrupt), Ok(mut terminate)) => {
                tokio::select! {
                    _ = interrupt.recv() => {},
                    _ = terminate.recv() => {},
                }
            }
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "cannot listen for SIGINT and SIGTERM; stop with SIGKILL");
                std::future::pending::<()>().await;
            }
        }
        #[cfg(not(unix))]
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    }
}
