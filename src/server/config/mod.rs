//! Command line and environment configuration, each setting documented once
//! here with its default (docs/configuration.md is generated from it): the
//! commands here, the server's settings in `serve.rs`, the other commands'
//! in `tools.rs`.

mod client;
mod database;
mod outbound;
pub mod platform_keys;
mod serve;
mod sso;
mod tools;

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub use client::{AlertsArgs, CallArgs, CallsArgs, ClientArgs, Output, TailArgs};
pub use database::Database;
pub use outbound::OutboundConfig;
pub use platform_keys::{PlatformKeys, SecretSetting};
pub use serve::{LogFormat, Secret, ServeConfig, WebhookConfig};
pub use sso::SsoConfig;
pub use tools::{
    AddUserArgs, BackupArgs, BenchConfig, BenchPart, CrashCheckConfig, MigrateDataArgs,
    RestoreArgs, SetRoleArgs, SimulateConfig, TokenCommand, TokenCreateArgs, UserArgs,
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

impl Cli {
    /// The command line, with the platforms' secret settings on `serve`
    /// (and the bare command, which serves) and on `simulate`.
    pub fn command_with(secrets: &[&'static SecretSetting]) -> clap::Command {
        let serve_help: platform_keys::Help = |s| s.serve_help;
        let simulate_help: platform_keys::Help = |s| s.simulate_help;
        let command = platform_keys::declare(Cli::command(), secrets, serve_help);
        command
            .mut_subcommand("serve", |c| platform_keys::declare(c, secrets, serve_help))
            .mut_subcommand("simulate", |c| {
                platform_keys::declare(c, secrets, simulate_help)
            })
    }

    /// Parses `args` (the program's name first) with the platforms' secret
    /// settings.
    pub fn try_parse_with<I, T>(
        secrets: &[&'static SecretSetting],
        args: I,
    ) -> clap::error::Result<Cli>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let matches = Cli::command_with(secrets).try_get_matches_from(args)?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        let keys = |name| {
            let matches = matches.subcommand_matches(name).unwrap_or(&matches);
            platform_keys::read(matches, secrets)
        };
        match &mut cli.command {
            None => cli.serve.webhook.platform_keys = keys("serve"),
            Some(Command::Serve(config)) => config.webhook.platform_keys = keys("serve"),
            Some(Command::Simulate(config)) => config.platform_keys = keys("simulate"),
            Some(_) => {}
        }
        Ok(cli)
    }
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
    /// Make API tokens from the server's shell.
    #[command(subcommand)]
    Token(TokenCommand),
    /// List calls from a server's API: `calltrail calls has:tool_error --since 1h`.
    Calls(CallsArgs),
    /// Print one call's timeline: turns, tool calls, errors, interruptions, latency.
    Call(CallArgs),
    /// Follow live calls' new events as they arrive.
    Tail(TailArgs),
    /// List alerts from a server's API.
    Alerts(AlertsArgs),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account (a viewer unless --role says otherwise); asks for its
    /// password (or reads it from stdin with --password-stdin).
    Add(AddUserArgs),
    /// Set a new password for an account, which signs out its sessions.
    ResetPassword(UserArgs),
    /// Give an account another role (the last admin keeps theirs).
    SetRole(SetRoleArgs),
}
