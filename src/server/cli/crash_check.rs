//! `calltrail crash-check`: runs a server under load — webhooks, and trace
//! exports on `/v1/traces` beside them — `kill -9`s it at a random moment,
//! restarts it on the same database, and repeats; then checks that every
//! event and every span the server acknowledged is stored, exactly once.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use prost::Message;
use rand::Rng;
use tokio::task::JoinSet;

use crate::server::app::platforms::spans::sample;
use crate::server::app::platforms::TRACERS;

use crate::server::cli::child::{ServerProcess, TOKEN};
use crate::server::config::CrashCheckConfig;
use crate::server::store::offline;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrashReport {
    pub cycles: usize,
    /// Events the server answered 2xx for.
    pub acknowledged: usize,
    /// Of them, spans of trace exports.
    pub spans: usize,
    pub stored: usize,
    /// Acknowledged but not in the database.
    pub lost: usize,
    /// Stored more than once (by delivery id).
    pub duplicated: usize,
}

pub async fn run(config: CrashCheckConfig) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let report = check(&exe, config.cycles, config.concurrency, |line| {
        println!("{line}")
    })
    .await?;
    println!(
        "{} kill -9 cycles: {} acknowledged ({} of them spans), {} stored, {} lost, {} duplicated → {}",
        report.cycles,
        report.acknowledged,
        report.spans,
        report.stored,
        report.lost,
        report.duplicated,
        if report.lost == 0 && report.duplicated == 0 {
            "OK"
        } else {
            "FAILED"
        }
    );
    anyhow::ensure!(
        report.lost == 0 && report.duplicated == 0,
        "acknowledged events were lost or doubled"
    );
    Ok(())
}

/// Runs `cycles` kill -9 cycles with `concurrency` senders against `exe`.
pub async fn check(
    exe: &Path,
    cycles: usize,
    concurrency: usize,
    progress: impl Fn(String),
) -> anyhow::Result<CrashReport> {
    let dir = tempfile::Builder::new()
        .prefix("calltrail-crash-")
        .tempdir()?;
    let db = dir.path().join("crash.db");
    let acked: Arc<Mutex<Vec<Acked>>> = Arc::default();
    for cycle in 0..cycles {
        let server = ServerProcess::start(exe, &db, &[]).await?;
        let client = reqwest::Client::new();
        let mut senders = JoinSet::new();
        // Every other sender exports spans instead of posting webhooks.
        for w in 0..concurrency {
            let (client, base, acked) = (client.clone(), server.base.clone(), acked.clone());
            match w % 2 {
                0 => senders.spawn(send_until_refused(client, base, cycle, w, acked)),
                _ => senders.spawn(export_until_refused(client, base, cycle, w, acked)),
            };
        }
        let before = acked.lock().unwrap_or_else(|e| e.into_inner()).len();
        let uptime = Duration::from_millis(rand::rng().random_range(300..900));
        tokio::time::sleep(uptime).await;
        server.kill_hard().await?;
        while senders.join_next().await.is_some() {}
        let now = acked.lock().unwrap_or_else(|e| e.into_inner()).len();
        progress(format!(
            "cycle {}: killed after {} ms with {} events acknowledged",
            cycle + 1,
            uptime.as_millis(),
            now - before
        ));
    }
    let acked: Vec<Acked> = acked.lock().unwrap_or_else(|e| e.into_inner()).clone();
    // Opening the database recovers it from its WAL, as a restart would.
    let keys = offline::dedup_keys(&db).await?;
    let stored: HashSet<&str> = keys.iter().map(String::as_str).collect();
    // A span's events are keyed `<framework>:<call>:<span id>:<part>`.
    let spans_stored: HashSet<&str> = keys
        .iter()
        .filter_map(|k| k.strip_prefix("livekit:"))
        .filter_map(|k| k.split(':').nth(1))
        .collect();
    let lost = acked
        .iter()
        .filter(|a| match a {
            Acked::Event(id) => !stored.contains(format!("webhook-id:{id}").as_str()),
            Acked::Span(id) => !spans_stored.contains(id.as_str()),
        })
        .count();
    Ok(CrashReport {
        cycles,
        acknowledged: acked.len(),
        spans: acked.iter().filter(|a| matches!(a, Acked::Span(_))).count(),
        stored: keys.len(),
        lost,
        duplicated: keys.len() - stored.len(),
    })
}

/// What the server acknowledged: a webhook's delivery id, a span's id (hex).
#[derive(Debug, Clone)]
enum Acked {
    Event(String),
    Span(String),
}

/// Posts distinct events until the server stops answering; records each
/// acknowledged delivery id.
async fn send_until_refused(
    client: reqwest::Client,
    base: String,
    cycle: usize,
    worker: usize,
    acked: Arc<Mutex<Vec<Acked>>>,
) {
    let url = format!("{base}/webhooks/infer");
    for n in 0.. {
        let id = format!("crash-{cycle}-{worker}-{n}");
        let body = serde_json::json!({
            "type": "conversation-update",
            "call_id": format!("crash-call-{worker}"),
            "timestamp": "2026-03-14T16:02:11Z",
            "metadata": {"role": "user", "message": format!("event {id}"), "secondsFromStart": n},
        });
        let response = client
            .post(&url)
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("webhook-id", &id)
            .body(body.to_string())
            .timeout(Duration::from_secs(5))
            .send()
            .await;
        match response {
            Ok(r) if r.status().is_success() => {
                acked
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(Acked::Event(id));
            }
            _ => return,
        }
    }
}

/// Exports batches of distinct LiveKit spans (OTLP protobuf) until the
/// server stops answering; records each acknowledged span's id.
async fn export_until_refused(
    client: reqwest::Client,
    base: String,
    cycle: usize,
    worker: usize,
    acked: Arc<Mutex<Vec<Acked>>>,
) {
    const SPANS: usize = 5;
    let url = format!("{base}/v1/traces");
    let mut trace_id = [0u8; 16];
    trace_id[..8].copy_from_slice(&(cycle as u64).to_be_bytes());
    trace_id[8..].copy_from_slice(&(worker as u64).to_be_bytes());
    let load = sample::Numbered::new(TRACERS[0]);
    for n in 0u64.. {
        // Span numbers distinct across cycles and workers.
        let first = (((cycle * 1000 + worker) as u64) << 32) | (n * SPANS as u64);
        let batch = load.batch(trace_id, first, SPANS);
        let ids: Vec<String> = batch.resource_spans[0].scope_spans[0]
            .spans
            .iter()
            .map(|s| hex::encode(&s.span_id))
            .collect();
        let response = client
            .post(&url)
            .header("content-type", "application/x-protobuf")
            .header("authorization", format!("Bearer {TOKEN}"))
            .body(batch.encode_to_vec())
            .timeout(Duration::from_secs(5))
            .send()
            .await;
        match response {
            Ok(r) if r.status().is_success() => acked
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(ids.into_iter().map(Acked::Span)),
            _ => return,
        }
    }
}
