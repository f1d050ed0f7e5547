//! Command line and environment configuration, each setting documented once
//! here (and in the README) with its default.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
    Serve(ServeConfig),
    /// Send simulated Infer calls to a calltrail webhook URL.
    Simulate(SimulateConfig),
}

#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// Address to listen on.
    #[arg(long, env = "CALLTRAIL_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// SQLite database file; created (with its folder) if missing.
    #[arg(long, env = "CALLTRAIL_DB", default_value = "data/calltrail.db")]
    pub db: PathBuf,
    /// Largest webhook body accepted, in bytes.
    #[arg(long, env = "CALLTRAIL_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,
    /// Keep a few simulated calls running, so the dashboard is live at once.
    #[arg(long, env = "CALLTRAIL_DEMO", default_value_t = false)]
    pub demo: bool,
    /// Log format: `text` or `json`.
    #[arg(long, env = "CALLTRAIL_LOG_FORMAT", default_value = "text")]
    pub log_format: LogFormat,
    /// Folder with the built site (wasm, JS, CSS) that cargo-leptos produces.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
}

impl ServeConfig {
    /// The defaults, with the database at `db` and any free port (for tests).
    pub fn for_tests(db: PathBuf) -> Self {
        ServeConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db,
            body_limit: 1024 * 1024,
            demo: false,
            log_format: LogFormat::Text,
            site_root: "target/site".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct SimulateConfig {
    /// Webhook URL to send to.
    #[arg(long, default_value = "http://127.0.0.1:3000/webhooks/infer")]
    pub url: String,
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
}
