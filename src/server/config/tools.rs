//! The settings of calltrail's other commands: simulate, bench,
//! crash-check, backup, restore, the account and token commands.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::model::tokens::{parse_lifetime, TokenScope};
use crate::model::AccountRole;

use super::database::{database, sqlite_file, Database};
use super::{PlatformKeys, Secret};

#[derive(Debug, Clone, Args)]
pub struct BenchConfig {
    /// Connections of the load generator, and senders of the paced phases.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// SSE clients watching those calls.
    #[arg(long, default_value_t = 100)]
    pub subscribers: usize,
    /// Events per second in the latency phase.
    #[arg(long, default_value_t = 1000)]
    pub rate: u32,
    /// Seconds each phase runs.
    #[arg(long, default_value_t = 15)]
    pub duration: u64,
    /// Measure at scale (the `scale` part) on this many stored events.
    #[arg(long, default_value_t = 0)]
    pub prefill: i64,
    /// Leave the bench's folder (its databases, wrk's script) in place, and
    /// say where, for a closer look afterwards.
    #[arg(long)]
    pub keep: bool,
    /// Run only these phases (all when omitted).
    #[arg(long, value_enum)]
    pub only: Option<BenchPart>,
    /// A PostgreSQL server the `postgres` part makes its databases on
    /// (`postgres://user@host/postgres`; the user may create databases).
    #[arg(long, env = "CALLTRAIL_BENCH_PG")]
    pub pg: Option<String>,
}

/// A part of the bench that runs on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchPart {
    /// The alerts and automations phases (they start servers of their own).
    Automations,
    /// Durable ingest with and without the search index, alternating.
    Index,
    /// calltrail over `--prefill` stored events (a million when not
    /// given), on a server of its own: size, memory, pages, an export,
    /// ingest on the full database and while retention deletes.
    #[value(alias = "search")]
    Scale,
    /// Durable ingest on SQLite, then on PostgreSQL (`--pg`) with one
    /// instance and with two on one database.
    Postgres,
    /// Durable ingest of webhooks, then of OTLP trace exports (spans/s),
    /// on a server of its own.
    Traces,
}

#[derive(Debug, Clone, Args)]
pub struct CrashCheckConfig {
    /// How many kill -9 / restart cycles.
    #[arg(long, default_value_t = 20)]
    pub cycles: usize,
    /// Concurrent senders during each cycle.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
}

#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The backup file to write; it must not exist yet.
    pub file: PathBuf,
    /// SQLite database file to back up.
    #[arg(long, env = "CALLTRAIL_DB", default_value = "data/calltrail.db", value_parser = sqlite_file)]
    pub db: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// A file written by `calltrail backup`.
    pub backup: PathBuf,
    /// SQLite database file to replace (the one the server uses).
    #[arg(long, env = "CALLTRAIL_DB", default_value = "data/calltrail.db", value_parser = sqlite_file)]
    pub db: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct MigrateDataArgs {
    /// The SQLite database to copy (a path or `sqlite:PATH`); stop the server first.
    #[arg(long, value_parser = sqlite_file)]
    pub from: PathBuf,
    /// The empty PostgreSQL database to copy it into (`postgres://…`).
    #[arg(long, value_parser = postgres_url)]
    pub to: String,
}

/// A `postgres://` URL, or why `value` is none.
fn postgres_url(value: &str) -> Result<String, String> {
    match database(value)? {
        Database::Postgres(url) => Ok(url),
        Database::Sqlite(_) => {
            Err("give the PostgreSQL database to copy into: postgres://…".into())
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct UserArgs {
    pub username: String,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// The database: a SQLite file or a `postgres://` URL.
    #[arg(long, env = "CALLTRAIL_DB", default_value = "data/calltrail.db", value_parser = database)]
    pub db: Database,
}

#[derive(Debug, Clone, Args)]
pub struct AddUserArgs {
    #[command(flatten)]
    pub user: UserArgs,
    /// What the account may do: admin, editor, viewer or restricted.
    #[arg(long, default_value = "viewer", value_parser = role)]
    pub role: AccountRole,
}

#[derive(Debug, Clone, Args)]
pub struct SetRoleArgs {
    pub username: String,
    /// admin, editor, viewer or restricted.
    #[arg(value_parser = role)]
    pub role: AccountRole,
    /// The database: a SQLite file or a `postgres://` URL.
    #[arg(long, env = "CALLTRAIL_DB", default_value = "data/calltrail.db", value_parser = database)]
    pub db: Database,
}

fn role(value: &str) -> Result<AccountRole, String> {
    AccountRole::parse(value).map_err(|e| e.to_string())
}

#[derive(Debug, Clone, Args)]
pub struct SimulateConfig {
    /// The platform whose calls to send, by the name in its webhook route
    /// (`/webhooks/<name>`: infer, vapi, retell, elevenlabs), or the
    /// framework whose traces to send (livekit, pipecat).
    #[arg(long, default_value = "infer")]
    pub platform: String,
    /// URL to send to (default: `http://127.0.0.1:3000/webhooks/<platform>`,
    /// or `…/v1/traces` for a framework).
    #[arg(long)]
    pub url: Option<String>,
    /// How many calls to simulate.
    #[arg(long, default_value_t = 5)]
    pub calls: usize,
    /// How many calls run at the same time.
    #[arg(long, default_value_t = 5)]
    pub concurrency: usize,
    /// Pace: 1 is real time, 10 ten times faster, 0 as fast as possible.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Seconds between the starts of consecutive calls (scaled by --speed).
    #[arg(long, default_value_t = 2.0)]
    pub stagger: f64,
    /// Seed for the variation between calls (random when not given).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Webhook token to send as `Authorization: Bearer` (when the URL has none).
    #[arg(long, env = "CALLTRAIL_WEBHOOK_TOKEN", hide_env_values = true)]
    pub token: Option<Secret>,
    /// Standard Webhooks secret (`whsec_…`) to sign each Infer event with.
    #[arg(long, env = "CALLTRAIL_WEBHOOK_SECRET", hide_env_values = true)]
    pub secret: Option<Secret>,
    /// Each platform's own secrets, to prove its deliveries with (declared
    /// in its folder and added to the command line by `cli`).
    #[arg(skip)]
    pub platform_keys: PlatformKeys,
    /// Send a call exported as a fixture (a call page's "Download as a
    /// fixture") again, with its original pacing scaled by --speed, to its
    /// platform's webhook (--platform, --calls and --seed do not apply).
    #[arg(long, value_name = "FILE")]
    pub from: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make an API token for an account and print it, once (only its hash
    /// is kept): for automated set-ups; people make theirs in the dashboard.
    Create(TokenCreateArgs),
}

#[derive(Debug, Clone, Args)]
pub struct TokenCreateArgs {
    /// The account the token acts as (its role is the token's ceiling).
    #[arg(long)]
    pub user: String,
    /// read, or read+write (acknowledge alerts, change rules and destinations).
    #[arg(long, default_value = "read", value_parser = scope)]
    pub scope: TokenScope,
    /// How long it works: e.g. 30d, 12h, or never.
    #[arg(long, default_value = "90d", value_parser = lifetime)]
    pub expires: Lifetime,
    /// What the token is for, as the token list names it.
    #[arg(long, default_value = "made from the shell")]
    pub name: String,
    /// The database: a SQLite file or a `postgres://` URL.
    #[arg(long, env = "CALLTRAIL_DB", default_value = "data/calltrail.db", value_parser = database)]
    pub db: Database,
}

fn scope(value: &str) -> Result<TokenScope, String> {
    TokenScope::parse(value)
}

/// How long a token works, in ms (`None`: until revoked).
#[derive(Debug, Clone, Copy)]
pub struct Lifetime(pub Option<i64>);

fn lifetime(value: &str) -> Result<Lifetime, String> {
    parse_lifetime(value).map(Lifetime)
}
