//! The focused live phase: 10 clients watching each of 10 calls, fed at the
//! same total rate, so every event fans out to 10 streams (10,000 SSE
//! messages a second at 1,000 events/s) — the other shape of live load,
//! beside the main phase's clients spread over many calls.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::JoinSet;

use super::stats::{ms, Summary};
use super::{drive, load, report};
use crate::server::cli::child::ServerProcess;

/// Calls watched, and clients on each.
const CALLS: usize = 10;
const CLIENTS_PER_CALL: usize = 10;

/// Runs the phase at `rate` events/s for `phase`; true when every client saw
/// every acknowledged event of its call, once.
pub async fn run(
    client: &reqwest::Client,
    server: &ServerProcess,
    cookie: &str,
    rate: u32,
    phase: Duration,
) -> anyhow::Result<bool> {
    let calls: Vec<String> = (0..CALLS).map(|c| format!("bench-focus-{c}")).collect();
    let (stop, stopping) = watch::channel(false);
    let mut watchers = JoinSet::new();
    for (c, call) in calls.iter().enumerate() {
        for _ in 0..CLIENTS_PER_CALL {
            let url = format!("{}/api/live/calls/{call}", server.base);
            let (client, cookie, stopping) = (client.clone(), cookie.to_string(), stopping.clone());
            watchers
                .spawn(async move { (c, load::watch_call(client, url, cookie, stopping).await) });
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pace = Duration::from_secs_f64(CALLS as f64 / f64::from(rate.max(1)));
    let url = format!("{}/webhooks/infer", server.base);
    let sent = drive(client, &url, &calls, "focus", Some(pace), phase).await?;
    report(
        &format!("paced ingest, {CLIENTS_PER_CALL} clients on each of {CALLS} calls ({rate} events/s asked)"),
        &sent,
        phase,
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = stop.send(true);

    let due: HashMap<i64, Instant> = sent
        .iter()
        .flat_map(|s| s.accepted.iter().copied())
        .collect();
    let mut latencies = Vec::new();
    let mut complete = true;
    while let Some(joined) = watchers.join_next().await {
        let (c, seen) = joined?;
        let seen = seen?;
        let expected = sent[c].accepted.len();
        let mut ids: Vec<i64> = seen.iter().map(|(id, _)| *id).collect();
        ids.dedup();
        complete &= ids.len() == seen.len() && ids.len() == expected;
        latencies.extend(
            seen.iter()
                .filter_map(|(id, arrived)| due.get(id).map(|at| arrived.duration_since(*at))),
        );
    }
    let live = Summary::of(latencies);
    println!(
        "  webhook → SSE client: p50 {}  p99 {}  max {}  ({} messages; target p99 < 15 ms); every client saw all its call's events once: {}",
        ms(live.p50),
        ms(live.p99),
        ms(live.max),
        live.count,
        if complete { "yes" } else { "NO" }
    );
    Ok(complete)
}
