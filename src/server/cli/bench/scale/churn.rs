//! Ingest at scale: on the full database against an empty one, and while
//! retention deletes the oldest tenth of the calls — a steady 1,000 events/s
//! (a busy team's traffic, answer times from when each was due), so the
//! figures show what deleting costs the webhooks, not what saturation does.

use std::path::Path;
use std::time::{Duration, Instant};

use super::super::stats::share;
use super::super::{drive, report, Load};
use super::PER_CALL;
use crate::model::time::DAY_MS;
use crate::server::cli::child::ServerProcess;
use crate::server::store::{now_ms, offline};

const INGEST: &str = "/webhooks/infer";
/// Events per second sent while retention deletes.
const STEADY_RATE: f64 = 1000.0;
/// Phases sent while retention deletes, at most; then it is waited for
/// with no load.
const MOST_ROUNDS: u32 = 60;

/// Durable ingest on `full`, then on a server of its own with an empty
/// database; the share of the second that the first reaches.
pub async fn full_against_empty(
    load: &Load<'_>,
    full: &ServerProcess,
    exe: &Path,
    dir: &Path,
    phase: Duration,
) -> anyhow::Result<()> {
    let by = load.generator();
    let on_full = load
        .blast(&[full], INGEST, "on-full", phase)
        .await?
        .report("  durable ingest on the full database", by);
    let empty = ServerProcess::start(exe, &dir.join("empty.db"), &[]).await?;
    let on_empty = load
        .blast(&[&empty], INGEST, "on-empty", phase)
        .await?
        .report("  durable ingest on an empty database", by);
    empty.stop().await?;
    share("full / empty", on_full, on_empty, 85);
    Ok(())
}

/// The database the retention phase restarts a server on, and what of it
/// expires.
pub struct Retention<'a> {
    pub db: &'a Path,
    /// The prefilled calls started over this many days, ending yesterday.
    pub days: i64,
    /// The share of them, the oldest, that retention deletes.
    pub expired: f64,
}

/// Restarts a server on the full database with a retention that expires
/// the oldest calls, and sends steady ingest until they are gone: how long
/// deleting took, and the answer times meanwhile.
pub async fn while_retention_deletes(
    load: &Load<'_>,
    exe: &Path,
    retention: Retention<'_>,
    phase: Duration,
) -> anyhow::Result<()> {
    let keep_days = (retention.days as f64 * (1.0 - retention.expired)).round() as i64 + 1;
    let cutoff = now_ms() - keep_days * DAY_MS;
    let db = retention.db.to_path_buf();
    let expiring = offline::ended_calls_before(&db, cutoff).await?;
    let server = super::start(
        exe,
        &db,
        &[("CALLTRAIL_RETENTION_DAYS", &keep_days.to_string())],
    )
    .await?;
    let started = Instant::now();
    let gone = tokio::spawn(async move {
        loop {
            if offline::ended_calls_before(&db, cutoff).await? == 0 {
                return anyhow::Ok(started.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    });
    let (client, calls) = load.senders();
    let pace = Duration::from_secs_f64(calls.len() as f64 / STEADY_RATE);
    let url = format!("{}{INGEST}", server.base);
    let mut sent = Vec::new();
    for round in 1..=MOST_ROUNDS {
        sent.extend(
            drive(
                client,
                &url,
                calls,
                &format!("purging-{round}"),
                Some(pace),
                phase,
            )
            .await?,
        );
        if gone.is_finished() {
            break;
        }
    }
    report(
        &format!("  steady ingest ({STEADY_RATE:.0} events/s asked) while retention deletes"),
        &sent,
        started.elapsed(),
    );
    let took = gone.await??;
    println!(
        "  retention deleted {expiring} calls ({} events) in {:.1} s (target: ack p99 < 50 ms meanwhile)",
        expiring * PER_CALL,
        took.as_secs_f64()
    );
    server.stop().await
}
