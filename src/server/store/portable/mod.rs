//! Queries written once for both backends. The SQL here is what SQLite and
//! PostgreSQL both read the same way (`$N` parameters, which sqlx binds by
//! number on SQLite too; standard functions only), and each method body is
//! compiled twice by [`portable!`]: once on the SQLite store, once on the
//! PostgreSQL store, each against its own pool. What differs between the
//! engines (full-text search, the writer, space on disk) lives in
//! `sqlite/` and `postgres/`.

use std::future::Future;
use std::ops::DerefMut;

pub mod alerts;
pub mod api_tokens;
pub mod audit;
pub mod automation;
pub mod call_delete;
pub mod call_metrics;
pub mod call_retention;
mod calls;
pub(super) mod counts;
pub mod deliveries;
pub mod effects;
mod events;
mod flag_reasons;
mod hits;
pub mod insights;
pub mod invitations;
pub mod issues;
pub mod outbox;
pub mod queues;
pub mod retention;
pub mod review;
pub mod rules;
pub mod saved_views;
pub(super) mod search;
mod search_summary;
mod settings;
pub mod shares;
pub mod unmapped;
pub mod users;

/// What the portable bodies run on besides the SQL they share: each
/// backend's pools, and how a write that is not an event's takes its turn.
/// The bodies call these, never a backend's own methods.
pub(in crate::server::store) trait Backend: Dialect {
    /// A connection held for such a write (on SQLite, with the writer's turn).
    type Turn: DerefMut<Target = Self::Conn> + Send;
    /// What reads run on.
    fn reader(&self) -> &sqlx::Pool<Self::Db>;
    /// What writes that are not events' run on.
    fn writes(&self) -> &sqlx::Pool<Self::Db>;
    /// A connection for a write that is not an event's, once it may write.
    fn write_turn(&self) -> impl Future<Output = Result<Self::Turn, sqlx::Error>> + Send;
    /// A write transaction that holds its lock from the start, so it never
    /// fails half-way on a busy database.
    fn begin_write(
        conn: &mut Self::Conn,
    ) -> impl Future<Output = Result<sqlx::Transaction<'_, Self::Db>, sqlx::Error>> + Send;
    /// Makes the rest of the transaction the only writer of `table`.
    fn alone_on(
        tx: &mut Self::Conn,
        table: &str,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send;
    /// Retention deleted or changed call rows (the writer may cache them).
    fn call_rows_changed(&self);
    /// The newest id of `ids` up to which every id is committed (or given
    /// up): how far a cursor that follows them may read now and never skip
    /// one committed later.
    fn horizon(&self, ids: IdSequence) -> impl Future<Output = Result<i64, sqlx::Error>> + Send;
}

/// The ids that cursors follow.
#[derive(Clone, Copy, Debug)]
pub(in crate::server::store) enum IdSequence {
    Events,
    Deliveries,
}

/// What the portable queries write differently on each engine: the few
/// spots where SQLite and PostgreSQL have no common spelling.
pub(super) trait Dialect {
    /// sqlx's database type, for query builders.
    type Db: sqlx::Database;
    /// A connection (transactions deref to it).
    type Conn;
    /// `strpos` / `instr`: where a text is found in another (1-based, 0 when not).
    const FIND: &'static str;
    /// Rows of a JSON array of arrays bound at `param`, as table `alias`
    /// with a column `value` (each row's array: `value ->> 0` its first
    /// item, as text on PostgreSQL, so CAST what is not text).
    fn json_rows(param: &str, alias: &str) -> String;
    /// Rows of a JSON array of scalars bound at `param`, as table `alias`
    /// with a column `value` (text on PostgreSQL: CAST it).
    fn json_scalars(param: &str, alias: &str) -> String;
    /// A field of the JSON object held as text in `column`, as text.
    fn json_field(column: &str, field: &str) -> String;
    /// The larger of two numbers (`MAX` / `GREATEST`).
    const GREATEST: &'static str;
    /// A hint to read `table` through `index` (SQLite's planner takes one).
    fn through_index(index: &str) -> String;
    /// An aggregate of a group's whole numbers `expr`, as text: each in
    /// decimal, comma-separated, in no particular order.
    fn listed(expr: &str) -> String;
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
    type Conn = sqlx::SqliteConnection;
    const FIND: &'static str = "instr";
    const GREATEST: &'static str = "MAX";
    fn json_rows(param: &str, alias: &str) -> String {
        format!("json_each({param}) AS {alias}")
    }
    fn json_scalars(param: &str, alias: &str) -> String {
        format!("json_each({param}) AS {alias}")
    }
    fn json_field(column: &str, field: &str) -> String {
        format!("({column} ->> '$.{field}')")
    }
    fn through_index(index: &str) -> String {
        format!("INDEXED BY {index}")
    }
    fn listed(expr: &str) -> String {
        format!("group_concat({expr}, ',')")
    }
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
    type Conn = sqlx::PgConnection;
    const FIND: &'static str = "strpos";
    const GREATEST: &'static str = "GREATEST";
    fn json_rows(param: &str, alias: &str) -> String {
        format!("json_array_elements(CAST({param} AS json)) AS {alias}(value)")
    }
    fn json_scalars(param: &str, alias: &str) -> String {
        format!("json_array_elements_text(CAST({param} AS json)) AS {alias}(value)")
    }
    fn json_field(column: &str, field: &str) -> String {
        format!("(CAST({column} AS json) ->> '{field}')")
    }
    // PostgreSQL's planner takes no hints.
    fn through_index(_index: &str) -> String {
        String::new()
    }
    fn listed(expr: &str) -> String {
        format!("string_agg(CAST({expr} AS TEXT), ',')")
    }
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
