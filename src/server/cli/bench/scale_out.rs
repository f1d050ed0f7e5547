//! `calltrail bench --only postgres`: durable ingest at the same
//! concurrency on SQLite, on PostgreSQL with one instance, and on
//! PostgreSQL with two instances on one database, the load spread over
//! both as a load balancer would. Each phase gets a fresh database.

use std::path::Path;

use super::stats::share;
use super::{Load, Rig};
use crate::server::cli::child::ServerProcess;
use crate::server::store::postgres::create_database;

pub async fn run(rig: Rig<'_>, pg_server: &str) -> anyhow::Result<()> {
    let (client, exe, dir, calls, phase) = rig.parts();
    let load = Load::new(client, dir, calls)?;
    let by = load.generator();
    println!("durable ingest, {} s per phase", phase.as_secs());
    let ingest = "/webhooks/infer";
    let sqlite = ServerProcess::start(exe, &dir.join("scale.db"), &[]).await?;
    let on_sqlite = load.blast(&[&sqlite], ingest, "sqlite", phase).await?;
    sqlite.stop().await?;
    let sqlite_rps = on_sqlite.report("SQLite, one instance", by);

    let one_db = create_database(pg_server, "calltrail_bench_one").await?;
    let one = ServerProcess::start(exe, Path::new(&one_db), &[]).await?;
    let on_one = load.blast(&[&one], ingest, "pg-one", phase).await?;
    one.stop().await?;
    let one_rps = on_one.report("PostgreSQL, one instance", by);

    let two_db = create_database(pg_server, "calltrail_bench_two").await?;
    // One after the other: the first creates the admin account.
    let a = ServerProcess::start(exe, Path::new(&two_db), &[]).await?;
    let b = ServerProcess::start(exe, Path::new(&two_db), &[]).await?;
    let on_two = load.blast(&[&a, &b], ingest, "pg-two", phase).await?;
    a.stop().await?;
    b.stop().await?;
    let two_rps = on_two.report("PostgreSQL, two instances on one database", by);
    share("PostgreSQL one instance / SQLite", one_rps, sqlite_rps, 50);
    share("two instances / one", two_rps, one_rps, 100);
    Ok(())
}
