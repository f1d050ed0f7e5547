//! `calltrail bench --only postgres`: durable ingest at the same
//! concurrency on SQLite, on PostgreSQL with one instance, and on
//! PostgreSQL with two instances on one database, the load spread over
//! both as a load balancer would. Each phase gets a fresh database.

use std::path::Path;
use std::time::Duration;

use super::{drive_spread, report, Rig};
use crate::server::cli::child::ServerProcess;
use crate::server::store::postgres::create_database;

pub async fn run(rig: Rig<'_>, pg_server: &str) -> anyhow::Result<()> {
    let (client, exe, dir, calls, phase) = rig.parts();
    println!(
        "durable ingest, {} concurrent senders, {} s per phase",
        calls.len(),
        phase.as_secs()
    );
    let sqlite = ServerProcess::start(exe, &dir.join("scale.db"), &[]).await?;
    let on_sqlite = ingest(client, &[&sqlite], calls, "sqlite", phase).await?;
    sqlite.stop().await?;
    report("SQLite, one instance", &on_sqlite, phase);

    let one_db = create_database(pg_server, "calltrail_bench_one").await?;
    let one = ServerProcess::start(exe, Path::new(&one_db), &[]).await?;
    let on_one = ingest(client, &[&one], calls, "pg-one", phase).await?;
    one.stop().await?;
    report("PostgreSQL, one instance", &on_one, phase);

    let two_db = create_database(pg_server, "calltrail_bench_two").await?;
    // One after the other: the first creates the admin account.
    let a = ServerProcess::start(exe, Path::new(&two_db), &[]).await?;
    let b = ServerProcess::start(exe, Path::new(&two_db), &[]).await?;
    let on_two = ingest(client, &[&a, &b], calls, "pg-two", phase).await?;
    a.stop().await?;
    b.stop().await?;
    report("PostgreSQL, two instances on one database", &on_two, phase);
    Ok(())
}

async fn ingest(
    client: &reqwest::Client,
    servers: &[&ServerProcess],
    calls: &[String],
    label: &str,
    phase: Duration,
) -> anyhow::Result<Vec<super::load::Sent>> {
    let urls: Vec<String> = servers
        .iter()
        .map(|s| format!("{}/webhooks/infer", s.base))
        .collect();
    drive_spread(client, &urls, calls, label, None, phase).await
}
