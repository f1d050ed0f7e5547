//! Storage: one interface, [`Store`], over two backends. SQLite
//! (`sqlite/`, the default: one file, one writer thread) and PostgreSQL
//! (`postgres/`: any number of calltrail instances on one database).
//! Everything that touches SQL lives in this module; the rest of the server
//! sees only [`Store`]'s methods and the types they take and return.

use std::sync::Arc;

mod contract;
mod database;
/// The store's area traits, for `use crate::server::store::prelude::*;`.
pub mod prelude {
    pub use super::contract::*;
}
mod error;
mod job;
mod lead;
pub mod move_data;
mod portable;
pub mod postgres;
mod rows;
mod sessions;
pub mod sqlite;
mod writer;

/// The log target the database driver writes its own messages under
/// (slow statements, connection trouble), for the log filter.
pub const DRIVER_LOG_TARGET: &str = "sqlx";

pub use database::Database;
pub use error::Error;
pub use job::{NewDelivery, NewEvent, Publish, Stored, WriteError};
pub use lead::{Lead, Work};
pub use portable::call_metrics::METRICS;
pub use portable::deliveries::Replayable;
pub use portable::insights::Insights;
pub use portable::search::{From as SearchFrom, SearchAt};
pub use portable::users::User;
pub use portable::{
    alerts, api_tokens, audit, automation, call_retention, effects, invitations, outbox, queues,
    retention, review, rules, saved_views, shares, users,
};
pub use sessions::Sessions;
pub use sqlite::{backup, fill, naive, offline, space};
pub use writer::{observe_commits, CommitObserver, Writer};

/// The database calltrail runs on, behind one set of methods
/// (`contract/`): each call goes to the backend's own implementation.
#[derive(Clone)]
pub enum Store {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PgStore),
}

impl Store {
    /// Opens the database `db` names (creating a SQLite file if missing),
    /// applies its backend's migrations and starts the writer. `publish` is
    /// called with each committed batch, in commit order.
    pub async fn open(db: &Database, publish: Publish) -> Result<Self, Error> {
        Ok(match db {
            Database::Sqlite(path) => {
                Store::Sqlite(sqlite::SqliteStore::open(path, publish).await?)
            }
            Database::Postgres(url) => {
                Store::Postgres(postgres::PgStore::open(url, publish).await?)
            }
        })
    }

    /// Calls `on_change` with the call's id whenever any instance says a
    /// call's review changed ([`prelude::ReviewStore::announce_review`]), until
    /// `stop` resolves. On SQLite there is one instance: nothing to follow.
    pub async fn watch_reviews(
        &self,
        on_change: Arc<dyn Fn(&str) + Send + Sync>,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        match self {
            Store::Sqlite(_) => Ok(()),
            Store::Postgres(p) => Ok(p.watch_reviews(on_change, stop).await?),
        }
    }

    /// A SQLite store over one migrated pool on a database file (tests use
    /// this with `#[sqlx::test]`).
    pub fn from_pool(pool: sqlx::SqlitePool, publish: Publish) -> Result<Self, Error> {
        Ok(Store::Sqlite(sqlite::SqliteStore::from_pool(
            pool, publish,
        )?))
    }
}

/// A stored value that does not read as its type: an error, never a default.
fn decode(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> sqlx::Error {
    sqlx::Error::Decode(e.into())
}

/// Now, in epoch milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
