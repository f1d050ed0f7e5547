//! `serve --demo`: keeps a few simulated calls running against this very
//! server, so a new user sees the dashboard move at once.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

use super::simulate::{send_call, Target};
use super::webhook_auth::WebhookAuth;

/// Calls kept running at once.
const CONCURRENT_CALLS: usize = 3;

pub async fn run(url: String, auth: Arc<WebhookAuth>, mut stopping: watch::Receiver<bool>) {
    let client = reqwest::Client::new();
    let mut calls = JoinSet::new();
    let mut seed: u64 = rand::random();
    loop {
        while calls.len() < CONCURRENT_CALLS {
            seed = seed.wrapping_add(1);
            // Credentials are read per call, so the demo follows a token rotation.
            let target = Target {
                url: url.clone(),
                token: auth.current_token(),
                key: auth.signing_key(),
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
