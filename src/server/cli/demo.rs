//! `serve --demo`: keeps a few simulated calls running against this very
//! server, so a new user sees the dashboard move at once — mostly Infer's,
//! with every other platform's and framework's calls among them.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::server::app::platforms::spans::Tracer;
use crate::server::app::platforms::{Platform, PlatformKeys, ALL, TRACERS};
use crate::server::app::webhook_auth::WebhookAuth;
use crate::server::cli::simulate::{Sender, Target, TraceTarget};

/// Calls kept running at once.
const CONCURRENT_CALLS: usize = 3;
/// Where a demo call comes from.
#[derive(Clone, Copy)]
enum Kind {
    Webhooks(Platform),
    Traces(&'static Tracer),
}

/// The sources of consecutive calls, round and round: the primary
/// platform between each of the others.
fn mix() -> Vec<Kind> {
    let others = ALL[1..]
        .iter()
        .map(|p| Kind::Webhooks(*p))
        .chain(TRACERS.iter().map(|t| Kind::Traces(t)));
    others
        .flat_map(|k| [Kind::Webhooks(Platform::INFER), k])
        .collect()
}

/// Whether `platform`'s deliveries can carry its own proof (a platform
/// without one needs none; one with its own scheme needs its secret set).
fn can_sign(platform: Platform, keys: &PlatformKeys) -> bool {
    platform.sign.is_none() || platform.secrets.iter().any(|s| keys.get(s).is_some())
}

/// Runs the demo against the server at `base` (`http://host:port`).
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
            let sender = match mix[(seed % mix.len() as u64) as usize] {
                Kind::Traces(tracer) => Sender::Traces(TraceTarget {
                    tracer,
                    url: format!("{base}/v1/traces"),
                    token: auth.current_token(),
                }),
                Kind::Webhooks(p) => {
                    // Where signatures are required, a platform without its
                    // secret set could not get in: Infer's call goes instead.
                    let platform = match p {
                        p if auth.checks.signature && !can_sign(p, &keys) => Platform::INFER,
                        p => p,
                    };
                    // Credentials are read per call, so the demo follows a
                    // token rotation.
                    Sender::Webhooks(Target {
                        platform,
                        url: format!("{base}/webhooks/{}", platform.source()),
                        token: auth.current_token(),
                        key: auth.signing_key(),
                        platform_keys: keys,
                    })
                }
            };
            let client = client.clone();
            calls.spawn(async move { sender.send(&client, seed, 1.0).await });
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
