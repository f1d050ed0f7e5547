//! `calltrail crash-check`: runs a server under load, `kill -9`s it at a
//! random moment, restarts it on the same database, and repeats; then checks
//! that every event the server acknowledged is stored, exactly once.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;
use tokio::task::JoinSet;

use crate::server::cli::child::{ServerProcess, TOKEN};
use crate::server::config::CrashCheckConfig;
use crate::server::store::offline;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrashReport {
    pub cycles: usize,
    /// Events the server answered 2xx for.
    pub acknowledged: usize,
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
        "{} kill -9 cycles: {} acknowledged, {} stored, {} lost, {} duplicated → {}",
        report.cycles,
        report.acknowledged,
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
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    for cycle in 0..cycles {
        let server = ServerProcess::start(exe, &db, &[]).await?;
        let url = format!("{}/webhooks/infer", server.base);
        let client = reqwest::Client::new();
        let mut senders = JoinSet::new();
        for w in 0..concurrency {
            let (client, url, acked) = (client.clone(), url.clone(), acked.clone());
            senders.spawn(send_until_refused(client, url, cycle, w, acked));
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
    let acked: Vec<String> = acked.lock().unwrap_or_else(|e| e.into_inner()).clone();
    // Opening the database recovers it from its WAL, as a restart would.
    let keys = offline::dedup_keys(&db).await?;
    let stored: HashSet<&str> = keys.iter().map(String::as_str).collect();
    let lost = acked
        .iter()
        .filter(|id| !stored.contains(format!("webhook-id:{id}").as_str()))
        .count();
    Ok(CrashReport {
        cycles,
        acknowledged: acked.len(),
        stored: keys.len(),
        lost,
        duplicated: keys.len() - stored.len(),
    })
}

/// Posts distinct events until the server stops answering; records each
/// acknowledged delivery id.
async fn send_until_refused(
    client: reqwest::Client,
    url: String,
    cycle: usize,
    worker: usize,
    acked: Arc<Mutex<Vec<String>>>,
) {
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
                acked.lock().unwrap_or_else(|e| e.into_inner()).push(id);
            }
            _ => return,
        }
    }
}
