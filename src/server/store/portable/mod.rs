//! Queries written once for both backends. The SQL here is what SQLite and
//! PostgreSQL both read the same way (`$N` parameters, which sqlx binds by
//! number on SQLite too; standard functions only), and each method body is
//! compiled twice by [`portable!`]: once on the SQLite store, once on the
//! PostgreSQL store, each against its own pool. What differs between the
//! engines (full-text search, the writer, space on disk) lives in
//! `sqlite/` and `postgres/`.

pub mod alerts;
pub mod automation;
mod calls;
pub mod deliveries;
mod events;
pub mod retention;
pub mod rules;
pub mod saved_views;
mod settings;
pub mod users;

/// What the portable queries write differently on each engine: the few
/// spots where SQLite and PostgreSQL have no common spelling.
pub(super) trait Dialect {
    /// sqlx's database type, for query builders.
    type Db: sqlx::Database;
    /// A text column as bytes (to join it with a bytes column).
    fn bytes_of_text(column: &str) -> String;
    /// Bytes that hold UTF-8 text (an accepted body), as text.
    fn text_of_bytes(expr: &str) -> String;
    /// Around a bound needle: true when the bytes `haystack` contain it,
    /// ASCII letters in any case (what SQLite's `lower` folds).
    fn contains_ignoring_case(haystack: &str) -> (String, &'static str);
}

impl Dialect for super::sqlite::SqliteStore {
    type Db = sqlx::Sqlite;
    fn bytes_of_text(column: &str) -> String {
        format!("CAST({column} AS BLOB)")
    }
    fn text_of_bytes(expr: &str) -> String {
        format!("CAST({expr} AS TEXT)")
    }
    fn contains_ignoring_case(haystack: &str) -> (String, &'static str) {
        (
            format!("instr(lower(CAST({haystack} AS TEXT)), lower("),
            ")) > 0",
        )
    }
}

impl Dialect for super::postgres::PgStore {
    type Db = sqlx::Postgres;
    fn bytes_of_text(column: &str) -> String {
        format!("convert_to({column}, 'UTF8')")
    }
    fn text_of_bytes(expr: &str) -> String {
        format!("convert_from({expr}, 'UTF8')")
    }
    // Bytes that are not UTF-8 (a refused body may hold any) cannot be
    // text; both sides are compared in `escape` form, which keeps ASCII as
    // it is and spells every other byte the same way on both sides.
    fn contains_ignoring_case(haystack: &str) -> (String, &'static str) {
        (
            format!("strpos(lower(encode({haystack}, 'escape')), lower(encode(convert_to("),
            ", 'UTF8'), 'escape'))) > 0",
        )
    }
}

/// Writes the methods given for both stores: the same body, type-checked
/// and compiled against each backend's pool (`self.reader()` and
/// `self.writes()`).
macro_rules! portable {
    ($($item:item)*) => {
        impl $crate::server::store::sqlite::SqliteStore {
            $($item)*
        }
        impl $crate::server::store::postgres::PgStore {
            $($item)*
        }
    };
}
pub(super) use portable;
