//! `calltrail bench --prefill N` (`--only scale`: a million when N is not
//! given): calltrail at scale. A server with N stored events — calls of 50,
//! every platform's in turn, spread over 90 days, every 100th saying a rare
//! word — and a 10,000-event call, measured once its metrics runner has
//! measured every call: what the database weighs per event, the server's
//! memory, the pages people open (`pages.rs`), an export, ingest on the full
//! database against an empty one, and ingest while retention deletes a
//! tenth of the events (`churn.rs`).

mod churn;
mod pages;

use std::path::Path;
use std::time::{Duration, Instant};

use super::prefill::{self, Filled, Spread};
use super::reads::LARGE_CALL;
use super::{Load, Rig};
use crate::model::time::DAY_MS;
use crate::server::cli::child::{ServerProcess, TOKEN};
use crate::server::store::offline;

/// Events per prefilled call: ten million events make 200,000 calls.
const PER_CALL: i64 = 50;
/// The prefilled calls start over this many days, ending yesterday.
const DAYS: i64 = 90;
/// Prefilled calls' ids start with this.
const PREFIX: &str = "bench-find-";

pub async fn run(rig: Rig<'_>, events: i64) -> anyhow::Result<()> {
    let (client, exe, dir, calls, phase) = rig.parts();
    let events = if events > 0 { events } else { 1_000_000 };
    let db = dir.join("scale.db");
    let server = start(exe, &db, &[]).await?;
    let n_calls = (events / PER_CALL).max(1);
    let spread = Spread {
        over_ms: DAYS * DAY_MS,
        rare_every: 100,
    };
    let filled = prefill::spread_calls(&db, PREFIX, n_calls, PER_CALL, spread).await?;
    prefill::calls(&db, "bench-large-", 1, LARGE_CALL).await?;
    println!(
        "scale bench: prefilled {} events in {n_calls} calls (every platform's, over {DAYS} days) \
         and a {LARGE_CALL}-event call in {:.1} s",
        filled.events,
        filled.took.as_secs_f64()
    );
    let took = measured(client, &server).await?;
    println!(
        "  every call measured by the metrics runner in {:.1} s",
        took.as_secs_f64()
    );
    // A fresh process on the full database: what a restart leaves in memory.
    server.stop().await?;
    let server = start(exe, &db, &[]).await?;
    weight(&db, &filled, &server)?;

    let cookie = server.sign_in().await?;
    pages::pages(client, &server, &cookie, n_calls).await?;
    pages::export(client, &server, &cookie, filled.events).await?;

    let load = Load::new(client, dir, calls)?;
    churn::full_against_empty(&load, &server, exe, dir, phase).await?;
    server.stop().await?;
    let retention = churn::Retention {
        db: &db,
        days: DAYS,
        expired: 0.1,
    };
    churn::while_retention_deletes(&load, exe, retention, phase).await
}

/// A server on `db` that keeps its whole delivery log (one row per prefilled
/// event), so no purge of it runs while the bench measures.
async fn start(exe: &Path, db: &Path, env: &[(&str, &str)]) -> anyhow::Result<ServerProcess> {
    let mut all = vec![
        ("CALLTRAIL_DELIVERY_RETENTION_DAYS", "0"),
        ("CALLTRAIL_DELIVERY_MAX_ROWS", "0"),
    ];
    all.extend_from_slice(env);
    ServerProcess::start(exe, db, &all).await
}

/// The database's size per event against the JSON it holds, and the
/// server's memory.
fn weight(db: &Path, filled: &Filled, server: &ServerProcess) -> anyhow::Result<()> {
    let mut bytes = 0;
    for suffix in ["", "-wal"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        bytes += std::fs::metadata(&path).map_or(0, |m| m.len());
    }
    let per_event = |b: i64| b as f64 / filled.events.max(1) as f64;
    println!(
        "  database: {:.2} GiB, {:.0} bytes per event (its JSON: {:.0} bytes; one delivery-log row per event kept); server RSS {} (target < 200 MiB)",
        bytes as f64 / 1_073_741_824.0,
        per_event(bytes as i64),
        per_event(filled.raw_bytes),
        mib(server.rss_kib())
    );
    Ok(())
}

/// Wakes the metrics runner (the prefill bypassed it) and waits until its
/// cursor has passed every event.
async fn measured(client: &reqwest::Client, server: &ServerProcess) -> anyhow::Result<Duration> {
    let started = Instant::now();
    client
        .post(format!("{}/webhooks/infer", server.base))
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", "application/json")
        .body(r#"{"type":"end-call","call_id":"bench-find-wake","metadata":{"ended_by":"user"}}"#)
        .send()
        .await?
        .error_for_status()?;
    loop {
        let (position, last) = offline::metrics_progress(&server.db).await?;
        if position >= last {
            return Ok(started.elapsed());
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(3600),
            "the metrics runner did not catch up in an hour ({position} of {last})"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("unknown".to_string(), |k| {
        format!("{:.1} MiB", k as f64 / 1024.0)
    })
}
