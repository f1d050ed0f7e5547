//! `calltrail bench --only index`: what keeping the search index in the
//! ingest transaction costs. Durable ingest on a server as built, and on one
//! whose database has the index swapped for a view that swallows its rows
//! (every other statement the same), three rounds each, alternating, each
//! on a fresh server; the sums compared.

use std::path::{Path, PathBuf};

use super::stats::share;
use super::{Load, Rig};
use crate::server::cli::child::ServerProcess;
use crate::server::store::offline;

const ROUNDS: u32 = 3;

pub async fn run(rig: Rig<'_>) -> anyhow::Result<()> {
    let (client, exe, dir, calls, phase) = rig.parts();
    let load = Load::new(client, dir, calls)?;
    let by = load.generator();
    let ingest = "/webhooks/infer";
    let (mut without, mut with) = (0.0, 0.0);
    for round in 1..=ROUNDS {
        let plain = unindexed(exe, dir.join(format!("unindexed-{round}.db"))).await?;
        let sent = load.blast(&[&plain], ingest, "unindexed", phase).await?;
        without += sent.report(
            &format!("durable ingest without the search index (round {round})"),
            by,
        );
        plain.stop().await?;
        let indexed =
            ServerProcess::start(exe, &dir.join(format!("indexed-{round}.db")), &[]).await?;
        let sent = load.blast(&[&indexed], ingest, "indexed", phase).await?;
        with += sent.report(
            &format!("durable ingest with the search index (round {round})"),
            by,
        );
        indexed.stop().await?;
    }
    share("with the index / without", with, without, 85);
    Ok(())
}

/// A server whose database (migrated by a first start) has no index.
async fn unindexed(exe: &Path, db: PathBuf) -> anyhow::Result<ServerProcess> {
    ServerProcess::start(exe, &db, &[]).await?.stop().await?;
    offline::drop_search_index(&db).await?;
    ServerProcess::start(exe, &db, &[]).await
}
