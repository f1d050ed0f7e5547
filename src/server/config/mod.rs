//! Command line and environment configuration, each setting documented once
//! here with its default (docs/configuration.md is generated from it): the
//! commands here, the server's settings in `serve.rs`, the other commands'
//! in `tools.rs`.

mod database;
mod outbound;
mod serve;
mod tools;

use clap::{Parser, Subcommand};

pub use database::Database;
pub use outbound::OutboundConfig;
pub use serve::{LogFormat, Secret, ServeConfig, WebhookConfig};
pub use tools::{
    BackupArgs, BenchConfig, BenchPart, CrashCheckConfig, MigrateDataArgs, RestoreArgs,
    SimulateConfig, UserArgs,
};

#[derive(Debug, Parser)]
#[command(
    name = "calltrail",
    version,
    about = "Live dashboard for voice-AI agent calls"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// With no subcommand, calltrail serves with these settings.
    #[command(flatten)]
    pub serve: ServeConfig,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dashboard and the webhook routes (the default).
    Serve(Box<ServeConfig>),
    /// Send simulated Infer calls to a calltrail webhook URL.
    Simulate(SimulateConfig),
    /// Manage dashboard accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Measure ingest and live-update performance on a fresh temporary server.
    Bench(BenchConfig),
    /// kill -9 a server under load, restart it, and check no acknowledged event was lost.
    CrashCheck(CrashCheckConfig),
    /// Copy the database to a new file, consistently, while the server runs.
    Backup(BackupArgs),
    /// Put a backup in place of the database (stop the server first).
    Restore(RestoreArgs),
    /// Copy a SQLite installation into an empty PostgreSQL database, checked by counts.
    MigrateData(MigrateDataArgs),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account; asks for its password (or reads it from stdin with --password-stdin).
    Add(UserArgs),
    /// Set a new password for an account, which signs out its sessions.
    ResetPassword(UserArgs),
}
