//! Background work that must run on one instance at a time (alert rules,
//! metrics, the outbox, retention). On SQLite there is one instance per
//! file, so it always leads. On PostgreSQL each kind of work is led by
//! whichever instance holds its advisory lock, on a connection kept for
//! that: when that instance stops or dies, its connection closes, the lock
//! goes with it, and another instance takes the work over where the durable
//! cursors and the outbox say it stood (at least once, never lost).

use std::time::Duration;

use sqlx::{Connection, PgConnection};
use tokio::sync::{oneshot, watch};

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

/// This instance leads a kind of work while this lives. `stop` turns true
/// when the work must stop (the server stops, or the lead was lost); the
/// lock is let go only when this is dropped, once the work has stopped, so
/// the next leader never starts while this one still runs.
pub struct Lead {
    pub stop: watch::Receiver<bool>,
    _release: Option<oneshot::Sender<()>>,
}

impl Store {
    /// Waits until this instance leads `work`; `None` once `stopping`
    /// turns true first.
    pub async fn lead(&self, work: Work, stopping: watch::Receiver<bool>) -> Option<Lead> {
        match self {
            Store::Sqlite(_) => {
                let stopped = *stopping.borrow();
                (!stopped).then_some(Lead {
                    stop: stopping,
                    _release: None,
                })
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
) -> Option<Lead> {
    // One connection asks every time until it is granted (or fails).
    let mut asking: Option<PgConnection> = None;
    loop {
        if *stopping.borrow() {
            return None;
        }
        match try_lock(&mut asking, options, work).await {
            Ok(true) => {
                let conn = asking.take().expect("the connection that took the lock");
                return Some(hold(conn, work, stopping));
            }
            Ok(false) => {}
            Err(e) => {
                asking = None;
                tracing::warn!(error = %e, ?work, "could not ask for the lead; retrying");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(RETRY) => {}
            _ = stopping.wait_for(|s| *s) => return None,
        }
    }
}

/// Asks for `work`'s lock on `conn` (connecting first when there is none):
/// true when it was granted, false when another instance holds it.
async fn try_lock(
    conn: &mut Option<PgConnection>,
    options: &sqlx::postgres::PgConnectOptions,
    work: Work,
) -> Result<bool, sqlx::Error> {
    let conn = match conn {
        Some(conn) => conn,
        None => conn.insert(PgConnection::connect_with(options).await?),
    };
    sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(work.key())
        .fetch_one(conn)
        .await
}

/// Keeps the lock's connection open while the work runs: `stop` turns true
/// when the server stops or the connection fails, and the connection (with
/// the lock) closes once the [`Lead`] is dropped.
fn hold(mut conn: PgConnection, work: Work, mut stopping: watch::Receiver<bool>) -> Lead {
    tracing::info!(?work, "this instance leads the work");
    let (stop, stopped) = watch::channel(false);
    let (release, mut released) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let (mut lost, mut let_go) = (false, false);
        loop {
            let check = tokio::select! {
                _ = stopping.wait_for(|s| *s) => false,
                _ = &mut released => {
                    let_go = true;
                    false
                }
                _ = tokio::time::sleep(RETRY) => true,
            };
            if !check {
                break;
            }
            let alive = tokio::time::timeout(RETRY, conn.ping()).await;
            if !matches!(alive, Ok(Ok(()))) {
                tracing::warn!(?work, "lost the lead: its connection failed");
                lost = true;
                break;
            }
        }
        let _ = stop.send(true);
        if !lost && !let_go {
            // The work stops, then its Lead is dropped: only then the lock goes.
            let _ = released.await;
        }
        let _ = conn.close().await;
    });
    Lead {
        stop: stopped,
        _release: Some(release),
    }
}
