//! The settings of the commands that talk to a running server over its API
//! (`calltrail calls`, `call`, `tail`, `alerts`): where it is and which
//! token to send, from the command line, the environment, or a file.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Where the server is and how to sign requests.
#[derive(Debug, Clone, Args)]
pub struct ClientArgs {
    /// The calltrail server, e.g. `https://calls.example.com` (else the
    /// config file's `url`).
    #[arg(id = "server_url", long = "url", env = "CALLTRAIL_URL")]
    pub url: Option<String>,
    /// An API token (make one at /settings/tokens or with `calltrail token
    /// create`; else the config file's `token`).
    #[arg(
        id = "api_token",
        long = "token",
        env = "CALLTRAIL_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
    /// A TOML file with `url = "…"` and `token = "…"` (default:
    /// ~/.config/calltrail/client.toml).
    #[arg(id = "client_config", long = "config", env = "CALLTRAIL_CLIENT_CONFIG")]
    pub config: Option<PathBuf>,
}

/// How a command prints what it got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Output {
    /// For people: aligned columns, colour on a terminal.
    #[default]
    Text,
    /// One JSON object per line, for jq and scripts.
    Json,
    /// Comma-separated, with a header line (calls only).
    Csv,
}

#[derive(Debug, Clone, Args)]
pub struct CallsArgs {
    /// A query, as the calls list's search bar takes it (e.g. `has:tool_error agent:sales`).
    pub query: Vec<String>,
    /// Only calls started this recently: e.g. 30m, 1h, 7d.
    #[arg(long)]
    pub since: Option<String>,
    /// At most this many calls.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// started (newest first), duration, latency, stall, interruptions,
    /// talk or tool_errors; add .asc for smallest first.
    #[arg(long)]
    pub sort: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub output: Output,
    /// Same as --output json.
    #[arg(long, conflicts_with_all = ["output", "csv"])]
    pub json: bool,
    /// Same as --output csv.
    #[arg(long, conflicts_with = "output")]
    pub csv: bool,
    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Clone, Args)]
pub struct CallArgs {
    /// The call's id, as the calls list shows it.
    pub id: String,
    /// Print every event as a JSON line instead of the timeline.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Clone, Args)]
pub struct TailArgs {
    /// Follow the events of calls this query selects (all calls when empty).
    pub query: Vec<String>,
    /// One JSON object per event and line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Clone, Args)]
pub struct AlertsArgs {
    /// open, acknowledged, resolved or all.
    #[arg(long, default_value = "open")]
    pub state: String,
    /// One JSON object per alert and line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub client: ClientArgs,
}
