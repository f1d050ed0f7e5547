//! How much deleting old calls (and giving their pages back) slows ingest:
//! webhook latency with and without a purge running, on a database opened as
//! the server opens it. Takes about half a minute, so it is ignored by
//! default; run it with
//! `cargo test --features ssr --test it purge_latency -- --ignored --nocapture`.

use crate::common;
use crate::common::events::turn;

use std::time::{Duration, Instant};

use axum::Router;
use serde_json::json;
use tokio::sync::watch;
use tower::ServiceExt;

use calltrail::server::app::live::Hub;
use calltrail::server::cli::serve::app_state;
use calltrail::server::config::Database;
use calltrail::server::config::ServeConfig;
use calltrail::server::http::router::router;
use calltrail::server::store::call_retention::{CallRetention, BATCH};
use calltrail::server::store::prelude::*;
use calltrail::server::store::Store;

const DAY: i64 = 24 * 60 * 60 * 1000;
const NOW: i64 = 1_780_000_000_000;
const OLD_CALLS: usize = 100;
const EVENTS_PER_CALL: usize = 200;
const SENDERS: usize = 8;

async fn send(router: &Router, body: String) -> Duration {
    let started = Instant::now();
    let response = router
        .clone()
        .oneshot(common::webhook(body))
        .await
        .expect("response");
    assert!(response.status().is_success(), "{}", response.status());
    started.elapsed()
}

/// `SENDERS` live calls posting back to back until `until` says stop.
async fn drive(router: &Router, phase: &str, until: watch::Receiver<bool>) -> Vec<Duration> {
    let mut tasks = Vec::new();
    for s in 0..SENDERS {
        let (router, mut until) = (router.clone(), until.clone());
        let call = format!("{phase}-{s}");
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut n = 0;
            while !*until.borrow_and_update() {
                times.push(send(&router, turn(&call, NOW + n as i64, n)).await);
                n += 1;
            }
            times
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("sender"));
    }
    all
}

fn report(phase: &str, mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{phase:<28} {:>6} requests  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
        times.len(),
        ms(at(0.5)),
        ms(at(0.99)),
        ms(*times.last().expect("samples"))
    );
    at(0.99)
}

/// Drives ingest while `work` runs (or for `at_least`, whichever is longer).
async fn during<F: std::future::Future<Output = ()>>(
    router: &Router,
    phase: &str,
    at_least: Duration,
    work: F,
) -> Duration {
    let (stop, until) = watch::channel(false);
    let senders = drive(router, phase, until);
    let timer = async {
        let started = Instant::now();
        work.await;
        tokio::time::sleep(at_least.saturating_sub(started.elapsed())).await;
        let _ = stop.send(true);
    };
    let (times, ()) = tokio::join!(senders, timer);
    report(phase, times)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: about half a minute"]
async fn ingest_p99_during_a_purge() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("calltrail.db");
    let (_stop, stopping) = watch::channel(false);
    let hub = Hub::new(stopping);
    let store = Store::open(&Database::Sqlite(db.clone()), hub.publisher())
        .await
        .expect("open");
    let state = app_state(store.clone(), hub, ServeConfig::for_tests(db))
        .await
        .expect("state");
    let router = router(state);

    let started = Instant::now();
    let mut fill = Vec::new();
    for c in 0..OLD_CALLS {
        let router = router.clone();
        fill.push(tokio::spawn(async move {
            let call = format!("old-{c}");
            for n in 0..EVENTS_PER_CALL {
                send(&router, turn(&call, NOW - 40 * DAY + n as i64, n)).await;
            }
            let end = json!({"type": "end-call", "call_id": call, "timestamp": NOW - 40 * DAY + 1_000_000});
            send(&router, end.to_string()).await;
        }));
    }
    for task in fill {
        task.await.expect("prefill");
    }
    let stored = OLD_CALLS * (EVENTS_PER_CALL + 1);
    println!(
        "prefilled {stored} events in {OLD_CALLS} ended calls in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let second = Duration::from_secs(3);
    let quiet = during(&router, "ingest alone", second, async {}).await;
    let retention = CallRetention {
        max_age_days: Some(30),
        max_events: None,
        per_source: Vec::new(),
    };
    let purge = during(&router, "ingest during the purge", second, async {
        let started = Instant::now();
        let purged = store
            .enforce_call_retention(retention, NOW, BATCH)
            .await
            .expect("purge");
        assert_eq!(purged.events as usize, stored);
        println!(
            "purged {} calls, {} events in {:.1} s",
            purged.calls,
            purged.events,
            started.elapsed().as_secs_f64()
        );
    })
    .await;
    let vacuum = during(&router, "ingest during the vacuum", second, async {
        let pages = store.reclaim_free_pages().await.expect("vacuum");
        println!("gave back {pages} pages");
    })
    .await;
    assert!(
        purge.max(vacuum) < quiet * 3 + Duration::from_millis(50),
        "the purge slowed ingest too much"
    );
}
