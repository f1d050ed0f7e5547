//! Durable trace ingest: workers post OTLP/HTTP protobuf exports of
//! LiveKit Agents spans (each span new, so each is stored), as fast as
//! answers come, to `/v1/traces`: the spans/s beside the webhooks/s.

use std::time::{Duration, Instant};

use prost::Message;
use tokio::task::JoinSet;

use super::load::Sent;
use super::{report, Load, Rig};
use crate::server::app::platforms::spans::sample;
use crate::server::app::platforms::TRACERS;
use crate::server::cli::child::{ServerProcess, TOKEN};

/// Spans in each export: a BatchSpanProcessor's batch of a voice session
/// as LiveKit's exports were recorded.
pub const SPANS_PER_EXPORT: usize = 8;

/// Runs `workers` senders against `base`/v1/traces for `phase`; prints the
/// phase's line with its spans/s, and returns the spans per second.
pub async fn run(
    client: &reqwest::Client,
    base: &str,
    workers: usize,
    phase: Duration,
) -> anyhow::Result<f64> {
    let url = format!("{base}/v1/traces");
    let until = Instant::now() + phase;
    let mut senders = JoinSet::new();
    for w in 0..workers {
        let (client, url) = (client.clone(), url.clone());
        senders.spawn(async move { send(client, url, w, until).await });
    }
    let mut sent = Vec::new();
    while let Some(done) = senders.join_next().await {
        sent.push(done?);
    }
    let rps = report("durable trace ingest (OTLP protobuf)", &sent, phase);
    let spans = rps * SPANS_PER_EXPORT as f64;
    println!("  {spans:.0} spans/s ({SPANS_PER_EXPORT} spans an export)");
    Ok(spans)
}

async fn send(client: reqwest::Client, url: String, worker: usize, until: Instant) -> Sent {
    let load = sample::Numbered::new(TRACERS[0]);
    let mut trace_id = [0u8; 16];
    trace_id[..8].copy_from_slice(&(worker as u64 + 1).to_be_bytes());
    trace_id[8] = 0xbe;
    let mut sent = Sent::default();
    let mut n = 0u64;
    while Instant::now() < until {
        let batch = load.batch(trace_id, n * SPANS_PER_EXPORT as u64, SPANS_PER_EXPORT);
        n += 1;
        let started = Instant::now();
        let answer = client
            .post(&url)
            .header("content-type", "application/x-protobuf")
            .header("authorization", format!("Bearer {TOKEN}"))
            .body(batch.encode_to_vec())
            .send()
            .await;
        sent.ack_latency.push(started.elapsed());
        sent.service_latency.push(started.elapsed());
        match answer {
            Ok(r) if r.status().is_success() => {}
            _ => sent.failed += 1,
        }
    }
    sent
}

/// `bench --only traces`: durable ingest of webhooks, then of trace
/// exports, on a server of its own, one line each.
pub async fn alone(rig: Rig<'_>) -> anyhow::Result<()> {
    let (client, exe, dir, calls, phase) = rig.parts();
    let server = ServerProcess::start(exe, &dir.join("traces.db"), &[]).await?;
    let load = Load::new(client, dir, calls)?;
    let webhooks = load
        .blast(&[&server], "/webhooks/infer", "ingest", phase)
        .await?;
    let webhooks_rps = webhooks.report("durable ingest (webhooks)", load.generator());
    let spans = run(client, &server.base, calls.len(), phase).await?;
    println!("  webhooks {webhooks_rps:.0}/s, spans {spans:.0}/s");
    server.stop().await?;
    Ok(())
}
