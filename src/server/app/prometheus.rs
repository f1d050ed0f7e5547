//! calltrail's own health in numbers, for Prometheus: what the webhook route
//! answered and how fast, how the group-commit writer keeps up, live stream
//! clients, and the database's size on disk. The names and the recording live
//! here, so the code being measured calls one small function per fact.

use std::sync::OnceLock;
use std::time::Duration;

use ::metrics::{
    counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram, Unit,
};
use axum::http::StatusCode;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::model::DeliveryOutcome;
use crate::server::store::Stored;

/// Webhook requests answered, by `outcome` and HTTP `status`.
pub const DELIVERIES: &str = "calltrail_webhook_deliveries_total";
/// Seconds from a webhook request's start to its answer.
pub const ACK_SECONDS: &str = "calltrail_webhook_ack_duration_seconds";
/// Deliveries in each committed writer transaction.
pub const BATCH: &str = "calltrail_writer_batch_deliveries";
/// Seconds each writer transaction took, from `BEGIN` to `COMMIT`.
pub const COMMIT_SECONDS: &str = "calltrail_writer_commit_duration_seconds";
/// Deliveries waiting for the writer.
pub const QUEUED: &str = "calltrail_writer_queued_deliveries";
/// Events committed (duplicates and refusals not counted).
pub const EVENTS_STORED: &str = "calltrail_events_stored_total";
/// Live (SSE) streams open now.
pub const LIVE_CLIENTS: &str = "calltrail_live_clients";
/// Times a live stream fell behind the hub and was caught up from the database.
pub const CATCH_UPS: &str = "calltrail_live_catch_ups_total";
/// The SQLite database file's size.
pub const DATABASE_BYTES: &str = "calltrail_database_size_bytes";
/// The SQLite write-ahead log's size.
pub const WAL_BYTES: &str = "calltrail_wal_size_bytes";

/// The outcome label of a webhook answered with a storage failure.
const FAILED: &str = "failed";
/// Draining recorded histogram samples keeps memory flat between scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

/// Installs the Prometheus recorder the first time it is called, in this
/// process (tests build many apps in one), and returns the handle that
/// renders it. Later calls return the same handle.
pub fn install() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = builder().build_recorder();
        let handle = recorder.handle();
        if let Err(e) = ::metrics::set_global_recorder(recorder) {
            tracing::warn!(error = %e, "another metrics recorder is installed; /metrics stays empty");
        }
        describe();
        crate::server::store::observe_commits(batch_committed);
        spawn_upkeep(handle.clone());
        handle
    })
}

/// Latency buckets fit for a webhook answer or a commit (one fsync and up);
/// batch buckets are powers of two up to the writer's largest batch.
fn builder() -> PrometheusBuilder {
    const SECONDS: &[f64] = &[
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    ];
    const SIZES: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];
    let mut builder = PrometheusBuilder::new();
    for (name, buckets) in [
        (ACK_SECONDS, SECONDS),
        (COMMIT_SECONDS, SECONDS),
        (BATCH, SIZES),
    ] {
        // Only an empty bucket list is refused, and none of these is empty.
        builder = match builder.set_buckets_for_metric(Matcher::Full(name.into()), buckets) {
            Ok(b) => b,
            Err(e) => unreachable!("bucket list for {name}: {e}"),
        };
    }
    builder
}

fn describe() {
    describe_counter!(
        DELIVERIES,
        Unit::Count,
        "Webhook requests answered, by outcome (accepted, duplicate, rejected, failed) and HTTP status."
    );
    describe_histogram!(
        ACK_SECONDS,
        Unit::Seconds,
        "Seconds from a webhook request's start to its answer (after the commit, for a stored event)."
    );
    describe_histogram!(
        BATCH,
        Unit::Count,
        "Deliveries committed together in one writer transaction."
    );
    describe_histogram!(
        COMMIT_SECONDS,
        Unit::Seconds,
        "Seconds one writer transaction took, from BEGIN to COMMIT."
    );
    describe_gauge!(QUEUED, Unit::Count, "Deliveries waiting for the writer.");
    describe_counter!(
        EVENTS_STORED,
        Unit::Count,
        "Events committed to the database."
    );
    describe_gauge!(LIVE_CLIENTS, Unit::Count, "Live (SSE) streams open now.");
    describe_counter!(
        CATCH_UPS,
        Unit::Count,
        "Times a live stream fell behind and was caught up from the database."
    );
    describe_gauge!(
        DATABASE_BYTES,
        Unit::Bytes,
        "Size of the SQLite database file."
    );
    describe_gauge!(
        WAL_BYTES,
        Unit::Bytes,
        "Size of the SQLite write-ahead log file."
    );
}

/// Without the exporter's own HTTP listener nothing drains histogram samples
/// but a scrape; a server nobody scrapes must not grow for it.
fn spawn_upkeep(handle: PrometheusHandle) {
    let spawned = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || loop {
            std::thread::sleep(UPKEEP);
            handle.run_upkeep();
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot start the metrics upkeep thread");
    }
}

/// A webhook was answered: `outcome` is what the delivery log says, `None`
/// when storage failed and the sender was told to retry.
pub fn webhook_answered(outcome: Option<DeliveryOutcome>, status: StatusCode, took: Duration) {
    let outcome = outcome.map_or(FAILED, DeliveryOutcome::as_str);
    counter!(DELIVERIES, "outcome" => outcome, "status" => status.as_u16().to_string())
        .increment(1);
    histogram!(ACK_SECONDS).record(took.as_secs_f64());
}

/// The writer committed one transaction in `took`, with what became of each
/// of its deliveries.
pub fn batch_committed(batch: &[Stored], took: Duration) {
    let events = batch
        .iter()
        .filter(|s| matches!(s, Stored::Accepted { .. }))
        .count();
    histogram!(BATCH).record(batch.len() as f64);
    histogram!(COMMIT_SECONDS).record(took.as_secs_f64());
    counter!(EVENTS_STORED).increment(events as u64);
}

/// A live stream fell behind and is caught up from the database.
pub fn live_caught_up() {
    counter!(CATCH_UPS).increment(1);
}

/// Counts one open live stream while it lives: held by the stream, so
/// however the stream ends (finished, client gone, server stopping) the
/// count goes down with it.
pub struct LiveClient(());

impl LiveClient {
    pub fn start() -> Self {
        gauge!(LIVE_CLIENTS).increment(1.0);
        LiveClient(())
    }
}

impl Drop for LiveClient {
    fn drop(&mut self) {
        gauge!(LIVE_CLIENTS).decrement(1.0);
    }
}
