//! `calltrail simulate --platform livekit|pipecat`: a framework's recorded
//! session sent to `/v1/traces` as its exporter sends it — OTLP protobuf
//! (encoded by the collector's own types), one request when each batch's
//! last span ended — under a fresh trace id, happening now.

use std::time::Instant;

use prost::Message;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{paced, Tally};
use crate::server::app::platforms::spans::{sample, Tracer};
use crate::server::store::now_ms;

/// Where a framework's traces go, and the token they carry.
#[derive(Clone)]
pub struct TraceTarget {
    pub tracer: &'static Tracer,
    /// The full `/v1/traces` URL.
    pub url: String,
    /// Sent as `Authorization: Bearer`.
    pub token: Option<String>,
}

/// Sends one recorded session, request by request, at `speed` × real time.
pub async fn send_session(
    client: &reqwest::Client,
    target: &TraceTarget,
    seed: u64,
    speed: f64,
) -> Tally {
    let requests = sample::session(target.tracer);
    let shift = now_ms() - sample::started_at(&requests);
    let trace_id: [u8; 16] = StdRng::seed_from_u64(seed).random();
    let clock = Instant::now();
    let mut tally = Tally::default();
    for (at, mut request) in requests {
        if let Some(wait) = paced(at as f64, speed).checked_sub(clock.elapsed()) {
            tokio::time::sleep(wait).await;
        }
        sample::stamp(&mut request, trace_id, shift);
        let mut post = client
            .post(&target.url)
            .header("content-type", "application/x-protobuf")
            .body(request.encode_to_vec());
        if let Some(token) = &target.token {
            post = post.header("authorization", format!("Bearer {token}"));
        }
        match post.send().await {
            Ok(r) if r.status().is_success() => tally.accepted += 1,
            Ok(r) => {
                tracing::warn!(status = %r.status(), "trace export refused");
                tally.failed += 1;
            }
            Err(e) => {
                tracing::warn!(error = %e, "trace export not delivered");
                tally.failed += 1;
            }
        }
    }
    tally
}
