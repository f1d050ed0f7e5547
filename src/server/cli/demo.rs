//! `serve --demo`: keeps a few simulated calls running against this very
//! server, so a new user sees the dashboard move at once — mostly Infer's,
//! with a Vapi and a Retell call among them.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::server::app::platforms::{Platform, PlatformKeys, ALL};
use crate::server::app::webhook_auth::WebhookAuth;
use crate::server::cli::simulate::{send_call, Target};

/// Calls kept running at once.
const CONCURRENT_CALLS: usize = 3;
/// The platforms of consecutive calls, round and round: the primary one
/// between each of the others.
fn mix() -> Vec<Platform> {
    ALL[1..]
        .iter()
        .flat_map(|p| [Platform::INFER, *p])
        .collect()
}

/// Whether `platform`'s deliveries can carry its own proof (a platform
/// without one needs none; one with its own scheme needs its secret set).
fn can_sign(platform: Platform, keys: &PlatformKeys) -> bool {
    platform.sign.is_none() || platform.secrets.iter().any(|s| keys.get(s).is_some())
}

/// Runs the demo against the server whose webhook routes start at `base`
/// (`http://host:port/webhooks`).
pub async fn run(base: String, auth: Arc<WebhookAuth>, mut stopping: watch::Receiver<bool>) {
    let client = reqwest::Client::new();
    let mut calls = JoinSet::new();
    let mut seed: u64 = rand::random();
    let mix = mix();
    loop {
        while calls.len() < CONCURRENT_CALLS {
            seed = seed.wrapping_add(1);
            let keys = auth.platform_keys();
            // Where signatures are required, a platform without its secret
            // set could not get in: Infer's call goes instead.
            let platform = match mix[(seed % mix.len() as u64) as usize] {
                p if auth.checks.signature && !can_sign(p, &keys) => Platform::INFER,
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
