//! The child-server helper behind `calltrail bench` and `crash-check`: a
//! server it started shuts down cleanly on SIGTERM, and one dropped while
//! running does not outlive its handle. Also what only a real process
//! shows: its memory while a page of huge events renders.

use std::path::Path;
use std::time::{Duration, Instant};

use calltrail::server::cli::child::{ServerProcess, TOKEN};

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_calltrail"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(exe(), &dir.path().join("stop.db"), &[])
        .await
        .expect("server started");
    server.stop().await.expect("clean exit after SIGTERM");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_server_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(exe(), &dir.path().join("drop.db"), &[])
        .await
        .expect("server started");
    let health = format!("{}/healthz", server.base);
    drop(server);
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(&health).send().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server still answers 5 s after its handle was dropped");
}

/// Issue 24: a call of twenty 0.9 MB tool calls (60,000 arguments each)
/// once made a 161 MB page and took the server from 335 MB to 2.83 GB. Its
/// page is now bounded, carries no bodies, and the server stays small.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_of_huge_events_makes_a_small_page_in_little_memory() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(exe(), &dir.path().join("huge.db"), &[])
        .await
        .expect("server started");
    let client = reqwest::Client::new();
    let at_start = server.rss_kib().expect("Linux reports memory");
    for i in 0..20 {
        let arguments: serde_json::Map<String, serde_json::Value> = (0..60_000)
            .map(|k| (format!("k{k:05}"), serde_json::json!(100_000 + k)))
            .collect();
        let body = serde_json::json!({
            "type": "tool-call",
            "call_id": "huge",
            "timestamp": format!("2025-04-12T14:32:{i:02}Z"),
            "metadata": {"functionName": "lookup", "arguments": arguments},
        })
        .to_string();
        assert!(body.len() > 900_000, "{} bytes", body.len());
        let sent = client
            .post(format!("{}/webhooks/infer", server.base))
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), 200, "{}", sent.text().await.unwrap());
    }
    let cookie = server.sign_in().await.unwrap();
    let ingested = server.rss_kib().expect("Linux reports memory");
    server.reset_peak_rss();
    let started = Instant::now();
    let page = client
        .get(format!("{}/calls/huge", server.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let took = started.elapsed();
    let peak = server.peak_rss_kib().expect("Linux reports memory");
    let after = server.rss_kib().expect("Linux reports memory");
    eprintln!(
        "page of 20 huge events: {} bytes in {took:?}; RSS {at_start} KiB at start, \
         {ingested} KiB after ingest, peak {peak} KiB, after {after} KiB",
        html.len()
    );
    let shown = html.matches("59950 more fields").count();
    assert!(shown >= 2 * 20, "tree and hydration data: {shown}");
    assert!(html.contains("Open the whole stored event"));
    assert!(!html.contains("k59999"), "no body rides along");
    assert!(html.len() < 2_000_000, "{} bytes", html.len());
    // What the page itself takes, over what ingest left (20 bodies of a
    // megabyte each, freed within seconds: 145–180 MiB here, more under
    // the test suite's load), and the whole.
    assert!(
        peak.saturating_sub(ingested) < 64 * 1024,
        "the page took {} KiB",
        peak.saturating_sub(ingested)
    );
    assert!(peak < 256 * 1024, "peak RSS {peak} KiB");
    assert!(after < 256 * 1024, "RSS after {after} KiB");
    // Freed memory goes back to the system within seconds.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let settled = server.rss_kib().expect("Linux reports memory");
    eprintln!("RSS 5 s later: {settled} KiB");
    assert!(settled < 120 * 1024, "RSS 5 s later {settled} KiB");
    // The whole body is a link away.
    let event = html
        .split("/events/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("a link to a stored body");
    let whole = client
        .get(format!("{}/events/{event}/body", server.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(whole.status(), 200);
    assert!(whole.text().await.unwrap().contains("\"k59999\":159999"));
    server.stop().await.unwrap();
}
