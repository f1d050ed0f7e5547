//! Background work that must run on one instance at a time (alert rules,
//! metrics, the outbox, retention). On SQLite there is one instance per
//! file, so it always leads. On PostgreSQL each kind of work is led by
//! whichever instance holds its advisory lock, on a connection kept for
//! that: when that instance stops or dies, its connection closes, the lock
//! goes with it, and another instance takes the work over where the durable
//! cursors and the outbox say it stood (at least once, never lost).

use std::time::Duration;

use sqlx::{Connection, PgConnection};
use tokio::sync::watch;

use super::Store;

/// The kinds of work led separately, each its own lock.
#[derive(Clone, Copy, Debug)]
pub enum Work {
    /// Alert rules, call metrics and the outbox.
    SideEffects,
    /// Deleting old calls and deliveries.
    Retention,
}

impl Work {
    /// The advisory lock's key ("ct" and a number).
    fn key(self) -> i64 {
        match self {
            Work::SideEffects => 0x6374_0001,
            Work::Retention => 0x6374_0002,
        }
    }
}

/// How often a follower tries to take the lead, and a leader checks it
/// still holds it.
const RETRY: Duration = Duration::from_secs(2);

impl Store {
    /// Waits until this instance leads `work`; `None` once `stopping`
    /// turns true first. The receiver returned turns true when the work
    /// must stop: the server stops, or (PostgreSQL) the lead was lost.
    pub async fn lead(
        &self,
        work: Work,
        stopping: watch::Receiver<bool>,
    ) -> Option<watch::Receiver<bool>> {
        match self {
            Store::Sqlite(_) => {
                let stopped = *stopping.borrow();
                (!stopped).then_some(stopping)
            }
            Store::Postgres(p) => {
                let options = p.pool().connect_options();
                lead_on_postgres(&options, work, stopping).await
            }
        }
    }
}

async fn lead_on_postgres(
    options: &sqlx::postgres::PgConnectOptions,
    work: Work,
    mut stopping: watch::Receiver<bool>,
) -> Option<watch::Receiver<bool>> {
    loop {
        if *stopping.borrow() {
            return None;
        }
        match try_lock(options, work).await {
            Ok(Some(conn)) => return Some(hold(conn, work, stopping)),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, ?work, "could not ask for the lead; retrying"),
        }
        tokio::select! {
            _ = tokio::time::sleep(RETRY) => {}
            _ = stopping.wait_for(|s| *s) => return None,
        }
    }
}

/// A connection holding `work`'s lock, or `None` when another instance holds it.
async fn try_lock(
    options: &sqlx::postgres::PgConnectOptions,
    work: Work,
) -> Result<Option<PgConnection>, sqlx::Error> {
    let mut conn = PgConnection::connect_with(options).await?;
    let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(work.key())
        .fetch_one(&mut conn)
        .await?;
    Ok(got.then_some(conn))
}

/// Keeps the lock's connection open while the work runs; the receiver
/// turns true when the server stops or the connection fails.
fn hold(
    mut conn: PgConnection,
    work: Work,
    mut stopping: watch::Receiver<bool>,
) -> watch::Receiver<bool> {
    tracing::info!(?work, "this instance leads the work");
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(async move {
        loop {
            let check = tokio::select! {
                _ = stopping.wait_for(|s| *s) => false,
                _ = tokio::time::sleep(RETRY) => true,
            };
            if !check {
                break;
            }
            if let Err(e) = conn.ping().await {
                tracing::warn!(error = %e, ?work, "lost the lead: its connection failed");
                break;
            }
        }
        let _ = stop.send(true);
        // Closing the connection lets the lock go.
        let _ = conn.close().await;
    });
    stopped
}
