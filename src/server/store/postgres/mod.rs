//! The PostgreSQL backend: any number of calltrail instances on one
//! database. Each instance's writer commits its deliveries in batches,
//! beside the other instances' batches (`write/`), and each instance
//! publishes every committed event, its own and the others', by reading
//! the rows after its cursor when a notification says there are some
//! (`follow.rs`).

mod follow;
mod horizon;
mod reviews;
mod search;
mod space;
mod write;

use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};

use super::job::Publish;
use super::portable::{Backend, IdSequence};
use super::writer::Writer;

/// How every connection is made: the server's TCP keep-alives notice a
/// vanished instance within about half a minute, so the locks it held
/// (writers', leads') do not outlive it for the kernel's default two hours.
pub(in crate::server::store) fn connect_options(
    url: &str,
) -> Result<PgConnectOptions, sqlx::Error> {
    let options: PgConnectOptions = url.parse()?;
    Ok(options.application_name("calltrail").options([
        ("tcp_keepalives_idle", "10"),
        ("tcp_keepalives_interval", "5"),
        ("tcp_keepalives_count", "3"),
    ]))
}

/// The connections, the handle to this instance's writer, and the task
/// that publishes what every instance commits.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    writer: Writer,
    follower: follow::Follower,
}

impl PgStore {
    /// Connects to the database at `url`, applies the migrations (one
    /// instance at a time: sqlx holds an advisory lock while it migrates),
    /// and starts the writer and the follower.
    pub async fn open(url: &str, publish: Publish) -> Result<Self, sqlx::Error> {
        let options = connect_options(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        let follower = follow::Follower::start(&pool, publish).await?;
        let writer = write::spawn(pool.clone(), follower.clone());
        Ok(PgStore {
            pool,
            writer,
            follower,
        })
    }

    pub fn writer(&self) -> &Writer {
        &self.writer
    }

    /// The pool the session store keeps its table in.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes every connection: the writer's, once what is queued has
    /// committed, the follower's, then the pool's.
    pub async fn close(&self) {
        self.writer.stop().await;
        self.follower.stop().await;
        self.pool.close().await;
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Ok when the database would take a write now: a read-write
    /// transaction (a hot standby refuses one), rolled back.
    pub async fn check_writable(&self) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION READ WRITE")
            .execute(&mut *tx)
            .await?;
        sqlx::query("SELECT txid_current()")
            .execute(&mut *tx)
            .await?;
        tx.rollback().await
    }
}

/// Creates the database `name` on the PostgreSQL server at `server` and
/// returns its URL (the bench makes a fresh one per phase).
pub async fn create_database(server: &str, name: &str) -> Result<String, sqlx::Error> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(server).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\""))
        .execute(&mut conn)
        .await?;
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .await?;
    let mut url = url::Url::parse(server).map_err(|e| sqlx::Error::Configuration(e.into()))?;
    url.set_path(name);
    Ok(url.to_string())
}

impl Backend for PgStore {
    type Turn = PoolConnection<Postgres>;

    /// What portable reads run on.
    fn reader(&self) -> &PgPool {
        &self.pool
    }

    /// What portable writes run on.
    fn writes(&self) -> &PgPool {
        &self.pool
    }

    /// A connection for a write that is not an event's. (SQLite's store
    /// waits for its writer's turn here; PostgreSQL takes concurrent writers.)
    async fn write_turn(&self) -> Result<PoolConnection<Postgres>, sqlx::Error> {
        self.pool.acquire().await
    }

    /// A write transaction that takes turns with the writers' batches
    /// (see `write::begin_locked`).
    async fn begin_write(
        conn: &mut sqlx::PgConnection,
    ) -> Result<sqlx::Transaction<'_, Postgres>, sqlx::Error> {
        write::begin_locked(conn).await
    }

    /// Makes the rest of the transaction the only writer of `table` (a
    /// concurrent one waits for its commit, then sees its rows).
    async fn alone_on(tx: &mut sqlx::PgConnection, table: &str) -> Result<(), sqlx::Error> {
        sqlx::query(&format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))
            .execute(&mut *tx)
            .await?;
        Ok(())
    }

    /// Retention deleted or changed call rows. The writer caches none here:
    /// it reads each call's row inside its batch.
    fn call_rows_changed(&self) {}

    /// Up to the oldest mark of the batches in flight (`horizon.rs`).
    async fn horizon(&self, ids: IdSequence) -> Result<i64, sqlx::Error> {
        horizon::horizon(&self.pool, ids).await
    }
}
