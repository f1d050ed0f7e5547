//! The pages people open on a full database, whole, as a signed-in browser
//! gets them (30 times each: p50 and p99 against their targets), and an
//! export of every event with the server's peak memory while it streams.

use anyhow::Context;
use std::time::Instant;

use super::super::prefill::RARE_WORD;
use super::super::reads::{time_page, LARGE_CALL};
use super::super::stats::ms;
use super::{mib, PREFIX};
use crate::model::format::url_segment;
use crate::server::cli::child::ServerProcess;

/// Times each page; `calls` prefilled calls are stored.
pub async fn pages(
    client: &reqwest::Client,
    server: &ServerProcess,
    cookie: &str,
    calls: i64,
) -> anyhow::Result<()> {
    let query = |q: &str| format!("/?q={}", url_segment(q));
    let pages = [
        ("calls list, first page", "/".to_string(), 50),
        (
            "structured, has:tool_error duration>5",
            query("has:tool_error duration>5"),
            50,
        ),
        (
            "structured, tool: and status:",
            query("tool:listOpenSlots status:transferred"),
            50,
        ),
        ("sorted by latency", "/?sort=latency".to_string(), 50),
        ("free text, every call matches", query("appointment"), 150),
        ("free text, 1 % of calls", query(RARE_WORD), 150),
        (
            "free text and a structured term",
            query("slots has:tool_error"),
            150,
        ),
        ("/insights, every call", "/insights".to_string(), 1000),
        (
            "/insights, has:hang",
            format!("/insights?q={}", url_segment("has:hang")),
            1000,
        ),
        (
            "a call's first view",
            format!("/calls/{PREFIX}{}", calls / 2),
            150,
        ),
        (
            "the large call's first view",
            "/calls/bench-large-0".to_string(),
            150,
        ),
    ];
    for (name, path, target) in pages {
        let s = time_page(client, server, cookie, &path).await?;
        let name = name.replace("the large call", &format!("the {LARGE_CALL}-event call"));
        println!(
            "  {name} ({path}): p50 {}  p99 {}  (target p99 < {target} ms)",
            ms(s.p50),
            ms(s.p99)
        );
    }
    println!("  server RSS after the pages: {}", mib(server.rss_kib()));
    Ok(())
}

/// Streams every event as JSON lines; events per second and the server's
/// peak memory while it streams.
pub async fn export(
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
