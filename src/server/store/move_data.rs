//! `calltrail migrate-data`: an installation's SQLite database copied into
//! an empty PostgreSQL database, every row with its id, in one PostgreSQL
//! transaction (all of it or nothing), then checked by counting each table
//! on both sides. Each column is read from SQLite as the type PostgreSQL
//! keeps it in, so a value that does not fit is an error, never a guess.

use std::path::Path;

use futures::TryStreamExt;
use sqlx::postgres::{PgArguments, PgConnectOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteRow};
use sqlx::{Arguments, Connection, PgConnection, Row, SqliteConnection};

/// The tables moved, in an order that keeps every reference valid. SQLite's
/// word counts (`event_text_terms`) have no PostgreSQL counterpart, and
/// sessions are not moved (everyone signs in again).
const TABLES: [&str; 28] = [
    "users",
    "invitations",
    "api_tokens",
    "audit_log",
    "settings",
    "channels",
    "rules",
    "rule_channels",
    "destinations",
    "events",
    "event_text",
    "calls",
    "deliveries",
    "alerts",
    "cursors",
    "outbox",
    "attempts",
    "saved_views",
    "call_metrics",
    "call_tools",
    "call_latency_parts",
    "flag_reasons",
    "review_notes",
    "review_flags",
    "reviews",
    "share_links",
    "review_queues",
    "review_queue_calls",
];

/// Rows per INSERT (PostgreSQL takes at most 65,535 parameters a statement).
const BATCH: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    #[error(
        "the SQLite database is in use: stop the server first, so no event arrives after the copy"
    )]
    InUse,
    #[error("the PostgreSQL database already holds calltrail data ({0}); give an empty one")]
    NotEmpty(String),
    #[error("{table}: {count} rows in SQLite but {copied} in PostgreSQL after the copy")]
    Mismatch {
        table: String,
        count: i64,
        copied: i64,
    },
    #[error("{table}.{column}: PostgreSQL keeps it as {kind}, which calltrail does not store")]
    UnknownType {
        table: String,
        column: String,
        kind: String,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// How many rows each table holds, on both sides, after the move.
pub type Counts = Vec<(&'static str, i64)>;

/// Copies the SQLite database at `from` into the empty PostgreSQL database
/// at `to` (both migrated to this version first) and returns the rows of
/// each table, counted equal on both sides.
pub async fn move_data(from: &Path, to: &str) -> Result<Counts, MoveError> {
    if super::sqlite::backup::in_use(from).await? {
        return Err(MoveError::InUse);
    }
    let source = SqliteConnectOptions::new().filename(from);
    let mut sqlite = SqliteConnection::connect_with(&source).await?;
    sqlx::migrate!("./migrations/sqlite")
        .run(&mut sqlite)
        .await?;
    let target: PgConnectOptions = to.parse()?;
    let mut pg = PgConnection::connect_with(&target).await?;
    sqlx::migrate!("./migrations/postgres").run(&mut pg).await?;
    refuse_unless_empty(&mut pg).await?;

    // One snapshot of SQLite, one transaction on PostgreSQL.
    let mut read = sqlite.begin().await?;
    let mut write = pg.begin().await?;
    // The rules, cursors and flag reasons a new database starts with give
    // way to the copy's.
    for table in ["rule_channels", "rules", "cursors", "flag_reasons"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *write)
            .await?;
    }
    let mut counts = Vec::new();
    for table in TABLES {
        let columns = columns_of(&mut write, table).await?;
        let copied = copy_table(&mut read, &mut write, table, &columns).await?;
        let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *write)
            .await?;
        if count != copied {
            return Err(MoveError::Mismatch {
                table: table.into(),
                count: copied,
                copied: count,
            });
        }
        if columns.iter().any(|(c, _)| c == "id") {
            let issued = last_issued(&mut read, table).await?;
            restart_ids(&mut write, table, issued).await?;
        }
        counts.push((table, count));
    }
    write.commit().await?;
    read.rollback().await?;
    Ok(counts)
}

async fn refuse_unless_empty(pg: &mut PgConnection) -> Result<(), MoveError> {
    for table in ["users", "calls", "events", "deliveries"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *pg)
            .await?;
        if n > 0 {
            return Err(MoveError::NotEmpty(format!("{n} rows in {table}")));
        }
    }
    Ok(())
}

/// How a column is read from SQLite and bound for PostgreSQL.
#[derive(Clone, Copy)]
enum Kind {
    Int,
    Float,
    Text,
    Bytes,
    Bool,
}

/// The columns PostgreSQL keeps for `table` (not generated ones), in order.
async fn columns_of(pg: &mut PgConnection, table: &str) -> Result<Vec<(String, Kind)>, MoveError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
         ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut *pg)
    .await?;
    rows.into_iter()
        .map(|(column, kind)| {
            let kind = match kind.as_str() {
                "bigint" | "integer" => Kind::Int,
                "double precision" => Kind::Float,
                "text" => Kind::Text,
                "bytea" => Kind::Bytes,
                "boolean" => Kind::Bool,
                _ => {
                    return Err(MoveError::UnknownType {
                        table: table.into(),
                        column,
                        kind,
                    })
                }
            };
            Ok((column, kind))
        })
        .collect()
}

/// Copies `table`'s rows in batches; returns how many.
async fn copy_table(
    sqlite: &mut SqliteConnection,
    pg: &mut PgConnection,
    table: &str,
    columns: &[(String, Kind)],
) -> Result<i64, MoveError> {
    let names: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
    // SQLite's search table keeps the event's id as its rowid.
    let select = match table {
        "event_text" => "SELECT rowid AS event_id, body FROM event_text ORDER BY rowid".to_string(),
        _ if names.contains(&"id") => {
            format!("SELECT {} FROM {table} ORDER BY id", names.join(", "))
        }
        // Tables keyed by other columns (some kept WITHOUT ROWID).
        _ => format!("SELECT {} FROM {table}", names.join(", ")),
    };
    // Streamed, a batch in memory at a time, whatever the table's size.
    let mut rows = sqlx::query(&select).fetch(&mut *sqlite);
    let (mut batch, mut copied) = (Vec::with_capacity(BATCH), 0);
    while let Some(row) = rows.try_next().await? {
        batch.push(row);
        if batch.len() == BATCH {
            insert_rows(pg, table, columns, &batch).await?;
            copied += batch.len() as i64;
            batch.clear();
        }
    }
    insert_rows(pg, table, columns, &batch).await?;
    Ok(copied + batch.len() as i64)
}

/// Inserts `rows` into `table` with one statement.
async fn insert_rows(
    pg: &mut PgConnection,
    table: &str,
    columns: &[(String, Kind)],
    rows: &[SqliteRow],
) -> Result<(), MoveError> {
    if rows.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
    let mut args = PgArguments::default();
    let mut tuples = Vec::with_capacity(rows.len());
    for row in rows {
        let mut marks = Vec::with_capacity(columns.len());
        for (i, (_, kind)) in columns.iter().enumerate() {
            bind(&mut args, row, i, *kind)?;
            marks.push(format!("${}", args.len()));
        }
        tuples.push(format!("({})", marks.join(", ")));
    }
    let sql = format!(
        "INSERT INTO {table} ({}) OVERRIDING SYSTEM VALUE VALUES {}",
        names.join(", "),
        tuples.join(", ")
    );
    sqlx::query_with(&sql, args).execute(&mut *pg).await?;
    Ok(())
}

/// Reads column `i` of `row` as `kind` and binds it.
fn bind(args: &mut PgArguments, row: &SqliteRow, i: usize, kind: Kind) -> Result<(), sqlx::Error> {
    let bound = match kind {
        Kind::Int => args.add(row.try_get::<Option<i64>, _>(i)?),
        Kind::Float => args.add(row.try_get::<Option<f64>, _>(i)?),
        Kind::Text => args.add(row.try_get::<Option<String>, _>(i)?),
        Kind::Bytes => args.add(row.try_get::<Option<Vec<u8>>, _>(i)?),
        Kind::Bool => args.add(row.try_get::<Option<bool>, _>(i)?),
    };
    bound.map_err(sqlx::Error::Encode)
}

/// The largest id SQLite ever gave a row of `table` (AUTOINCREMENT keeps
/// it in `sqlite_sequence` after the row is deleted), or 0.
async fn last_issued(sqlite: &mut SqliteConnection, table: &str) -> Result<i64, sqlx::Error> {
    let seq: Option<i64> = sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = $1")
        .bind(table)
        .fetch_optional(&mut *sqlite)
        .await?;
    Ok(seq.unwrap_or(0))
}

/// New rows of `table` get ids after every id ever issued, copied or
/// deleted before the move: an id is never used twice, so no cursor
/// (alerts, forwarding, a browser's `Last-Event-ID`) already past it skips
/// a new row, and no receiver sees a message id again.
async fn restart_ids(pg: &mut PgConnection, table: &str, issued: i64) -> Result<(), sqlx::Error> {
    let sequence: Option<String> = sqlx::query_scalar("SELECT pg_get_serial_sequence($1, 'id')")
        .bind(table)
        .fetch_one(&mut *pg)
        .await?;
    if let Some(sequence) = sequence {
        sqlx::query(&format!(
            "SELECT setval($1, GREATEST(COALESCE((SELECT MAX(id) FROM {table}), 0), $2) + 1, false)"
        ))
        .bind(sequence)
        .bind(issued)
        .execute(&mut *pg)
        .await?;
    }
    Ok(())
}
