//! `calltrail bench --only search --prefill N`: finding and understanding
//! at scale. A server with N stored events (calls of 50 spread over 30 days,
//! every 100th saying a rare word), measured once its metrics runner has
//! measured every call: free-text and structured queries of the calls list
//! (whole pages, as a browser gets them, 30 times each), `/insights`, and an export of every
//! event with the server's peak memory while it streams.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::prefill::{self, Spread, RARE_WORD};
use super::reads::time_page;
use super::stats::ms;
use crate::model::format::url_segment;
use crate::server::cli::child::{ServerProcess, TOKEN};
use crate::server::store::offline;

/// Events per prefilled call: a million events make 20,000 calls.
const PER_CALL: i64 = 50;
const SPREAD_MS: i64 = 30 * 86_400_000;

pub async fn run(exe: &Path, dir: &Path, events: i64) -> anyhow::Result<()> {
    let events = if events > 0 { events } else { 1_000_000 };
    let server = ServerProcess::start(exe, &dir.join("search.db"), &[]).await?;
    let client = reqwest::Client::new();
    let n_calls = (events / PER_CALL).max(1);
    let spread = Spread {
        over_ms: SPREAD_MS,
        rare_every: 100,
    };
    let took = prefill::spread_calls(&server.db, "bench-find-", n_calls, PER_CALL, spread).await?;
    println!(
        "search bench: prefilled {} events in {n_calls} calls in {:.1} s",
        n_calls * PER_CALL,
        took.as_secs_f64()
    );
    let took = measured(&client, &server).await?;
    println!(
        "  every call measured by the metrics runner in {:.1} s; server RSS {}",
        took.as_secs_f64(),
        mib(server.rss_kib())
    );
    let cookie = server.sign_in().await?;
    let pages = [
        (
            "free text, every call matches",
            "/?q=appointment".to_string(),
            100,
        ),
        ("free text, 1 % of calls", format!("/?q={RARE_WORD}"), 100),
        (
            "free text and a structured term",
            format!("/?q={}", url_segment("slots has:tool_error")),
            100,
        ),
        (
            "structured, has:tool_error duration>5",
            format!("/?q={}", url_segment("has:tool_error duration>5")),
            50,
        ),
        (
            "structured, tool: and status:",
            format!(
                "/?q={}",
                url_segment("tool:listOpenSlots status:transferred")
            ),
            50,
        ),
        ("sorted by latency", "/?sort=latency".to_string(), 50),
        ("/insights, every call", "/insights".to_string(), 300),
        (
            "/insights, has:hang",
            format!("/insights?q={}", url_segment("has:hang")),
            300,
        ),
    ];
    for (name, path, target) in pages {
        let s = time_page(&client, &server, &cookie, &path).await?;
        println!(
            "  {name} ({path}): p50 {}  p99 {}  (target p99 < {target} ms)",
            ms(s.p50),
            ms(s.p99)
        );
    }
    println!("  server RSS after the queries: {}", mib(server.rss_kib()));
    export(&client, &server, &cookie, n_calls * PER_CALL).await?;
    server.stop().await
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
            started.elapsed() < Duration::from_secs(1800),
            "the metrics runner did not catch up in 30 minutes ({position} of {last})"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Streams every event as JSON lines; events per second and the server's
/// peak memory while it streams.
async fn export(
    client: &reqwest::Client,
    server: &ServerProcess,
    cookie: &str,
    expected: i64,
) -> anyhow::Result<()> {
    let before = server.rss_kib();
    server.reset_peak_rss();
    let started = Instant::now();
    let mut response = client
        .get(format!("{}/export?format=jsonl", server.base))
        .header("cookie", cookie)
        .send()
        .await?
        .error_for_status()?;
    let (mut lines, mut bytes) = (0i64, 0usize);
    while let Some(chunk) = response.chunk().await.context("reading the export")? {
        lines += chunk.iter().filter(|b| **b == b'\n').count() as i64;
        bytes += chunk.len();
    }
    let secs = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        lines >= expected,
        "the export gave {lines} events, {expected} were stored"
    );
    println!(
        "  export of every event (JSON lines): {lines} events, {:.0} MiB in {secs:.1} s: {:.0} events/s (target >= 50,000)",
        bytes as f64 / 1_048_576.0,
        lines as f64 / secs
    );
    println!(
        "  server peak RSS while exporting: {} (target < 150 MiB; {} when it started)",
        mib(server.peak_rss_kib()),
        mib(before)
    );
    Ok(())
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("unknown".to_string(), |k| {
        format!("{:.1} MiB", k as f64 / 1024.0)
    })
}
