//! The integration tests on PostgreSQL: when `CALLTRAIL_TEST_PG` holds the
//! URL of a PostgreSQL server (`.ci/test` starts a throw-away one), each
//! test's app runs on a database of its own there instead of on SQLite.

use std::sync::atomic::{AtomicU32, Ordering};

use calltrail::server::config::Database;
use calltrail::server::store::postgres::create_database;
use calltrail::server::store::{Publish, Store};

/// The server the tests make their databases on, if they run on PostgreSQL.
pub fn server_url() -> Option<String> {
    std::env::var("CALLTRAIL_TEST_PG")
        .ok()
        .filter(|url| !url.is_empty())
}

/// True when the tests run on PostgreSQL.
pub fn on_postgres() -> bool {
    server_url().is_some()
}

/// True when the tests run on PostgreSQL, after saying so on stderr: a test
/// that cannot run there (it reads SQLite's tables or file directly) returns
/// early on this, and the run shows it was skipped rather than passed.
pub fn skip_on_postgres(test: &str, reason: &str) -> bool {
    let skip = on_postgres();
    if skip {
        eprintln!("SKIPPED on PostgreSQL: {test}: {reason}");
    }
    skip
}

/// The PostgreSQL server's URL for a test that runs only there; without one
/// (`CALLTRAIL_TEST_PG` unset), None after saying on stderr it was skipped.
pub fn server_or_skip(test: &str) -> Option<String> {
    let server = server_url();
    if server.is_none() {
        eprintln!("SKIPPED without PostgreSQL: {test}: needs CALLTRAIL_TEST_PG");
    }
    server
}

/// A new, empty database on the server at `server`: its URL.
pub async fn fresh_database(server: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "t_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    );
    create_database(server, &name)
        .await
        .expect("a test database is made on the CALLTRAIL_TEST_PG server")
}

/// A store on the database at `url` (one calltrail instance).
pub async fn store_on(url: &str, publish: Publish) -> Store {
    Store::open(&Database::Postgres(url.to_string()), publish)
        .await
        .expect("the PostgreSQL store opens")
}
