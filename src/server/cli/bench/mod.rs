//! `calltrail bench`: starts a server on a fresh temporary database and
//! measures, in one run, the no-op route (the ceiling), the naive receiver
//! and durable ingest, all driven by the same external load generator
//! (`wrk.rs`), then OTLP trace exports (spans/s), and webhook → SSE latency
//! at a set rate with SSE clients watching; then checks that every
//! acknowledged event was stored once and seen by every watcher of its call.

mod automations;
mod focus;
mod index;
mod load;
mod prefill;
mod reads;
mod rig;
mod scale;
mod scale_out;
mod stats;
mod traces;
mod wrk;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::server::cli::child::{ServerProcess, TOKEN};
use crate::server::config::{BenchConfig, BenchPart};
use crate::server::store::offline;
use load::{Sent, Worker};
use reads::{reads, LARGE_CALL};
pub use rig::Rig;
use stats::{ms, share, Summary};
use wrk::{Load, Throughput};

pub async fn run(config: BenchConfig) -> anyhow::Result<()> {
    anyhow::ensure!(config.concurrency > 0, "--concurrency must be at least 1");
    anyhow::ensure!(config.duration > 0, "--duration must be at least 1 second");
    let dir = tempfile::Builder::new()
        .prefix("calltrail-bench-")
        .tempdir()?;
    let keep = config.keep;
    let ran = parts(config, dir.path()).await;
    if keep {
        println!("the bench's folder is kept: {}", dir.keep().display());
    }
    ran
}

async fn parts(config: BenchConfig, dir: &Path) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let calls: Vec<String> = (0..config.concurrency)
        .map(|w| format!("bench-call-{w}"))
        .collect();
    let phase = Duration::from_secs(config.duration);
    let rig = |client| Rig {
        client,
        exe: &exe,
        dir,
        calls: &calls,
        phase,
    };
    let scale =
        config.only == Some(BenchPart::Scale) || config.only.is_none() && config.prefill > 0;
    if scale {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(config.concurrency)
            .build()?;
        return scale::run(rig(&client), config.prefill).await;
    }
    if config.only == Some(BenchPart::Index) {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(config.concurrency)
            .build()?;
        return index::run(rig(&client)).await;
    }
    if config.only == Some(BenchPart::Postgres) {
        let server = config.pg.as_deref().context(
            "--only postgres needs --pg (or CALLTRAIL_BENCH_PG): a PostgreSQL server's URL",
        )?;
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(config.concurrency)
            .build()?;
        return scale_out::run(rig(&client), server).await;
    }
    if config.only == Some(BenchPart::Traces) {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(config.concurrency)
            .build()?;
        return traces::alone(rig(&client)).await;
    }
    if config.only == Some(BenchPart::Automations) {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(config.concurrency)
            .build()?;
        return automations::run(rig(&client), config.rate).await;
    }
    let server = ServerProcess::start(
        &exe,
        &dir.join("bench.db"),
        &[
            ("CALLTRAIL_BENCH_NOOP", "true"),
            // Every SSE client of the bench shares one session.
            (
                "CALLTRAIL_MAX_STREAMS_PER_SESSION",
                // The main phase's clients, then the focused phase's 100
                // (the first may not all have been let go yet).
                &(config.subscribers + 101).to_string(),
            ),
        ],
    )
    .await?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "calltrail bench: {cores} cores, server pid {}, concurrency {}, {} SSE clients, {} s per phase",
        server.pid(),
        config.concurrency,
        config.subscribers,
        config.duration
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(config.concurrency + config.subscribers)
        .build()?;

    // One event through ingest (the server takes webhooks), then the large
    // call (and any bulk) stored straight through the writer's batch code.
    let template = &load::bodies("bench-template", 0)[0];
    client
        .post(format!("{}/webhooks/infer", server.base))
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(template.clone())
        .send()
        .await?
        .error_for_status()?;
    let took = prefill::calls(&server.db, "bench-large-", 1, LARGE_CALL).await?;
    println!(
        "prefilled a {LARGE_CALL}-event call in {:.1} s",
        took.as_secs_f64()
    );

    // SSE clients watch the calls from here on (spread evenly over them).
    let cookie = server.sign_in().await?;
    let (stop_watching, stopping) = watch::channel(false);
    let mut watchers = JoinSet::new();
    for i in 0..config.subscribers {
        let call = i % calls.len();
        let url = format!("{}/api/live/calls/{}", server.base, calls[call]);
        let (client, cookie, stopping) = (client.clone(), cookie.clone(), stopping.clone());
        watchers
            .spawn(async move { (call, load::watch_call(client, url, cookie, stopping).await) });
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    // 4. Live latency at a set rate, measured at the SSE clients from when
    //    each request was due.
    let ingest_url = format!("{}/webhooks/infer", server.base);
    let pace = Duration::from_secs_f64(config.concurrency as f64 / f64::from(config.rate.max(1)));
    let paced = drive(&client, &ingest_url, &calls, "paced", Some(pace), phase).await?;
    report(
        &format!("paced ingest ({} events/s asked)", config.rate),
        &paced,
        phase,
    );
    let service = Summary::of(
        paced
            .iter()
            .flat_map(|s| s.service_latency.iter().copied())
            .collect(),
    );
    println!(
        "  (ack times above count from when each request was due; from its actual send: p50 {}  p99 {})",
        ms(service.p50),
        ms(service.p99)
    );

    // Let the last messages arrive, then collect what each client saw.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = stop_watching.send(true);
    let mut seen: Vec<(usize, Vec<(i64, Instant)>)> = Vec::new();
    while let Some(joined) = watchers.join_next().await {
        let (call, result) = joined?;
        seen.push((call, result.context("an SSE client failed")?));
    }

    let sent_at: HashMap<i64, Instant> = paced
        .iter()
        .flat_map(|s| s.accepted.iter().copied())
        .collect();
    let live_latency: Vec<Duration> = seen
        .iter()
        .flat_map(|(_, events)| events.iter())
        .filter_map(|(id, arrived)| sent_at.get(id).map(|sent| arrived.duration_since(*sent)))
        .collect();
    let live = Summary::of(live_latency);
    println!(
        "  webhook → SSE client: p50 {}  p99 {}  max {}  ({} deliveries to {} clients; target p99 < 15 ms)",
        ms(live.p50),
        ms(live.p99),
        ms(live.max),
        live.count,
        config.subscribers
    );
    if let Some(kib) = server.peak_rss_kib() {
        println!("  server peak RSS: {:.1} MiB", kib as f64 / 1024.0);
    }

    // 5. The same rate again, every event to 10 clients of its call.
    let focused = focus::run(&client, &server, &cookie, config.rate, phase).await?;

    reads(&client, &server, &cookie).await?;

    // 1–3. Throughput, driven by the load generator. After the paced
    //      phases: the backlog of rules and metrics it leaves behind would
    //      weigh on their latency.
    let ingest = throughput(&client, dir, &calls, &server, phase).await?;
    if let Some(kib) = server.peak_rss_kib() {
        println!("  server peak RSS: {:.1} MiB", kib as f64 / 1024.0);
    }

    let all: Vec<&Sent> = paced.iter().collect();
    let ok = correctness(&server, &calls, &all, &seen).await?
        && all_stored(&server, "bench-ingest-", &ingest, calls.len()).await?;
    server.stop().await?;

    // 6. Alerts and automations, on servers of their own.
    automations::run(rig(&client), config.rate).await?;
    anyhow::ensure!(ok && focused, "the correctness check failed");
    Ok(())
}

/// The no-op route, the naive receiver and durable ingest, each driven by
/// the same generator and connections, then OTLP exports; prints their lines
/// and ratios, and returns durable ingest's figures.
async fn throughput(
    client: &reqwest::Client,
    dir: &Path,
    calls: &[String],
    server: &ServerProcess,
    phase: Duration,
) -> anyhow::Result<Throughput> {
    // 1. The ceiling: same server, same bodies, a route that only parses
    //    them. Each throughput phase gets the same generator and connections.
    let load = Load::new(client, dir, calls)?;
    let by = load.generator();
    let noop = load.blast(&[server], "/bench/noop", "noop", phase).await?;
    let noop_rps = noop.report("no-op route (parses the JSON)", by);

    // 2. The naive baseline: one autocommit INSERT per request, as most
    //    hand-written receivers do (WAL, synchronous=NORMAL).
    let naive = load
        .blast(&[server], "/bench/naive", "naive", phase)
        .await?;
    let naive_rps = naive.report("naive receiver (autocommit INSERT per request)", by);

    // 3. Durable ingest at the same concurrency.
    let ingest = load
        .blast(&[server], "/webhooks/infer", "ingest", phase)
        .await?;
    let ingest_rps = ingest.report("durable ingest (2xx after commit)", by);
    share("ingest / no-op", ingest_rps, noop_rps, 30);
    println!(
        "  ingest / naive: {:.1}× (target ≥ 5×)",
        ingest_rps / naive_rps.max(1e-9)
    );
    // 3b. The same for traces: OTLP exports of new spans, beside webhooks.
    let spans = traces::run(client, &server.base, calls.len(), phase).await?;
    println!("  webhooks {ingest_rps:.0}/s, spans {spans:.0}/s");

    Ok(ingest)
}

/// Runs one worker per call against `url` for `phase`; what each saw, in
/// the order of `calls`.
pub(super) async fn drive(
    client: &reqwest::Client,
    url: &str,
    calls: &[String],
    label: &str,
    pace: Option<Duration>,
    phase: Duration,
) -> anyhow::Result<Vec<Sent>> {
    drive_spread(client, &[url.to_string()], calls, label, pace, phase).await
}

/// [`drive`] with the workers spread over `urls` in turn (instances behind
/// a load balancer).
pub(super) async fn drive_spread(
    client: &reqwest::Client,
    urls: &[String],
    calls: &[String],
    label: &str,
    pace: Option<Duration>,
    phase: Duration,
) -> anyhow::Result<Vec<Sent>> {
    let until = Instant::now() + phase;
    let mut workers = JoinSet::new();
    for (w, call_id) in calls.iter().enumerate() {
        let worker = Worker {
            client: client.clone(),
            url: urls[w % urls.len()].clone(),
            token: TOKEN.to_string(),
            bodies: load::bodies(call_id, w as u64),
            label: format!("{label}-{w}"),
            // Spread the paced workers' first sends over one interval.
            pace,
        };
        let offset = pace.map_or(Duration::ZERO, |p| p.mul_f64(w as f64 / calls.len() as f64));
        workers.spawn(async move {
            tokio::time::sleep(offset).await;
            (w, worker.run(until).await)
        });
    }
    let mut sent = Vec::new();
    while let Some(done) = workers.join_next().await {
        sent.push(done?);
    }
    // In the order of `calls`.
    sent.sort_by_key(|(w, _)| *w);
    Ok(sent.into_iter().map(|(_, s)| s).collect())
}

/// Prints an in-process phase's line; returns its requests per second.
pub(super) fn report(name: &str, sent: &[Sent], phase: Duration) -> f64 {
    let t = Throughput::of_sent(sent, phase);
    println!(
        "{name}: {:.0} requests/s ({} requests, {} failed); ack p50 {}  p99 {}  max {}",
        t.rps,
        t.latency.count,
        t.non_2xx,
        ms(t.latency.p50),
        ms(t.latency.p99),
        ms(t.latency.max)
    );
    t.rps
}

/// Every delivery a throughput phase's generator saw acknowledged (of
/// calls named `prefix`…) is stored as a new event, and none was refused.
/// The generator counts only answers it read before it stopped, so up to
/// one request per connection may be stored without being counted.
async fn all_stored(
    server: &ServerProcess,
    prefix: &str,
    phase: &Throughput,
    connections: usize,
) -> anyhow::Result<bool> {
    let n = offline::accepted_deliveries(&server.db, prefix).await?;
    let ok = (phase.ok..=phase.ok + connections as u64).contains(&n) && phase.non_2xx == 0;
    println!(
        "correctness ({prefix}…): acknowledged {} ≤ stored {n} ≤ acknowledged + {connections} \
         in flight; non-2xx {} → {}",
        phase.ok,
        phase.non_2xx,
        if ok { "OK" } else { "FAILED" }
    );
    Ok(ok)
}

/// acknowledged = stored = seen by every watcher of its call, no duplicates.
async fn correctness(
    server: &ServerProcess,
    calls: &[String],
    sent: &[&Sent],
    seen: &[(usize, Vec<(i64, Instant)>)],
) -> anyhow::Result<bool> {
    let acked: Vec<i64> = sent
        .iter()
        .flat_map(|s| s.accepted.iter().map(|(id, _)| *id))
        .collect();
    let stored_events = offline::stored_events(&server.db, "bench-call-").await?;
    let stored = stored_events.events();
    let stored_dupes = stored_events.duplicate_deliveries;
    let by_call = stored_events.by_call;
    let mut seen_dupes = 0usize;
    let mut incomplete = 0usize;
    let mut delivered = 0usize;
    for (call, events) in seen {
        let ids: Vec<i64> = events.iter().map(|(id, _)| *id).collect();
        let mut unique = ids.clone();
        unique.dedup();
        seen_dupes += ids.len() - unique.len();
        let expected = by_call.get(&calls[*call]).cloned().unwrap_or_default();
        if unique != expected {
            incomplete += 1;
        }
        delivered += ids.len();
    }
    let sent_dupes: u64 = sent.iter().map(|s| s.duplicates).sum();
    let ok = acked.len() == stored
        && incomplete == 0
        && seen_dupes == 0
        && stored_dupes == 0
        && sent_dupes == 0;
    println!(
        "correctness: acknowledged {} = stored {stored}; {} SSE clients saw {delivered} messages, {} of them missing or reordering events; duplicates {} → {}",
        acked.len(),
        seen.len(),
        incomplete,
        seen_dupes as u64 + sent_dupes + stored_dupes as u64,
        if ok { "OK" } else { "FAILED" }
    );
    Ok(ok)
}
