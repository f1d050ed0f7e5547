//! `serve --demo`: keeps a few simulated calls running against this very
//! server, so a new user sees the dashboard move at once — mostly Infer's,
//! with a Vapi and a Retell call among them.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::server::app::ingest::Platform;
use crate::server::app::webhook_auth::WebhookAuth;
use crate::server::cli::simulate::{send_call, Target};

/// Calls kept running at once.
const CONCURRENT_CALLS: usize = 3;
/// The platforms of consecutive calls, round and round.
const MIX: [Platform; 4] = [
    Platform::Infer,
    Platform::Vapi,
    Platform::Infer,
    Platform::Retell,
];

/// Runs the demo against the server whose webhook routes start at `base`
/// (`http://host:port/webhooks`).
pub async fn run(base: String, auth: Arc<WebhookAuth>, mut stopping: watch::Receiver<bool>) {
    let client = reqwest::Client::new();
    let mut calls = JoinSet::new();
    let mut seed: u64 = rand::random();
    loop {
        while calls.len() < CONCURRENT_CALLS {
            seed = seed.wrapping_add(1);
            let keys = auth.platform_keys();
            // Where signatures are required, a platform without its secret
            // set could not get in: Infer's call goes instead.
            let platform = match MIX[(seed % MIX.len() as u64) as usize] {
                Platform::Vapi if auth.checks.signature && !keys.vapi_configured() => {
                    Platform::Infer
                }
                Platform::Retell if auth.checks.signature && keys.retell_api_key.is_none() => {
                    Platform::Infer
                }
                p => p,
            };
            // Credentials are read per call, so the demo follows a token rotation.
            let target = Target {
                platform,
                url: format!("{base}/{}", platform.source()),
                token: auth.current_token(),
                key: auth.signing_key(),
                platform_keys: keys,
            };
            let client = client.clone();
            calls.spawn(async move { send_call(&client, &target, seed, 1.0).await });
            // Stagger starts so the calls are at different stages.
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(7)) => {}
                _ = stopping.wait_for(|s| *s) => return,
            }
        }
        tokio::select! {
            _ = calls.join_next() => {}
            _ = stopping.wait_for(|s| *s) => return,
        }
    }
}
