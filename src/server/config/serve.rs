//! `calltrail serve` (and calltrail with no command): the server's settings.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

use super::database::{database, Database};
use super::PlatformKeys;

#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// Address to listen on.
    #[arg(long, env = "CALLTRAIL_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// The database: a SQLite file (a path or `sqlite:PATH`; created with
    /// its folder if missing), or PostgreSQL (`postgres://user@host/db`).
    #[arg(long, env = "CALLTRAIL_DB", default_value = "data/calltrail.db", value_parser = database)]
    pub db: Database,
    /// Largest webhook body accepted, in bytes.
    #[arg(long, env = "CALLTRAIL_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,
    /// A span attribute that names a traced call (on each span, or on the
    /// exporter's resource): spans carrying it join that call — the same
    /// call a platform's webhooks name — instead of their trace's.
    #[arg(long, env = "CALLTRAIL_TRACE_CALL_ATTRIBUTE")]
    pub trace_call_attribute: Option<String>,
    /// Keep a few simulated calls running, so the dashboard is live at once.
    #[arg(long, env = "CALLTRAIL_DEMO", default_value_t = false)]
    pub demo: bool,
    /// Log format: `text` or `json`.
    #[arg(long, env = "CALLTRAIL_LOG_FORMAT", default_value = "text")]
    pub log_format: LogFormat,
    /// Serve the built site (wasm, JS, CSS) from this folder instead of the
    /// copy inside the binary.
    #[arg(long, env = "LEPTOS_SITE_ROOT")]
    pub site_root: Option<String>,
    /// The address people and agents reach this server at, e.g.
    /// `https://calltrail.example.com`. Used for the webhook URL the dashboard
    /// shows; an `https://` URL also makes the session cookie Secure.
    #[arg(long, env = "CALLTRAIL_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Send the session cookie over HTTPS only (default: on when the public URL is https).
    #[arg(long, env = "CALLTRAIL_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// Extra host names the dashboard may be reached at, comma-separated
    /// (besides localhost, IP addresses and the public URL's host). Requests
    /// naming any other `Host` are refused, which stops DNS rebinding.
    #[arg(long, env = "CALLTRAIL_ALLOWED_HOSTS")]
    pub allowed_hosts: Option<String>,
    /// Live streams one session may hold open at once.
    #[arg(long, env = "CALLTRAIL_MAX_STREAMS_PER_SESSION", default_value_t = 32)]
    pub max_streams_per_session: usize,
    /// A session ends after this many minutes without a request.
    #[arg(long, env = "CALLTRAIL_SESSION_IDLE_MINUTES", default_value_t = 12 * 60)]
    pub session_idle_minutes: u32,
    /// A session ends this many hours after signing in, however active.
    #[arg(long, env = "CALLTRAIL_SESSION_MAX_HOURS", default_value_t = 7 * 24)]
    pub session_max_hours: u32,
    /// With `CALLTRAIL_ADMIN_PASSWORD`: the account to create at start-up when there is none.
    #[arg(long, env = "CALLTRAIL_ADMIN_USER")]
    pub admin_user: Option<String>,
    /// With `CALLTRAIL_ADMIN_USER`: that account's password.
    #[arg(long, env = "CALLTRAIL_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<Secret>,
    /// Seconds a request may take to arrive and be answered (live streams excepted).
    #[arg(long, env = "CALLTRAIL_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// Seconds a webhook or trace export waits for its events' commit; past
    /// it the sender gets 503 with Retry-After (an event committed later is
    /// a duplicate when sent again, answered 200).
    #[arg(
        long,
        env = "CALLTRAIL_ACK_TIMEOUT",
        default_value_t = 5,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub ack_timeout_secs: u64,
    /// Requests each API token may make per minute (/api/v1 and /mcp), in
    /// bursts of up to a tenth of it; more get 429 with Retry-After.
    #[arg(long, env = "CALLTRAIL_API_RATE", default_value_t = 1200, value_parser = clap::value_parser!(u32).range(1..))]
    pub api_rate_per_minute: u32,
    /// Connections open at once; more wait until one closes (a warning is logged).
    #[arg(
        long,
        env = "CALLTRAIL_MAX_CONNECTIONS",
        default_value_t = 1024,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..)
    )]
    pub max_connections: usize,
    /// Seconds a connection may sit with no request in flight before it is
    /// closed (longer than the live streams' 15-second keep-alive).
    #[arg(
        long,
        env = "CALLTRAIL_IDLE_TIMEOUT",
        default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub idle_timeout_secs: u64,
    /// Days the delivery log keeps a request; older rows are deleted (0: kept forever).
    #[arg(long, env = "CALLTRAIL_DELIVERY_RETENTION_DAYS", default_value_t = 30)]
    pub delivery_retention_days: u32,
    /// Most rows the delivery log keeps; the oldest beyond it are deleted (0: no limit).
    #[arg(long, env = "CALLTRAIL_DELIVERY_MAX_ROWS", default_value_t = 100_000)]
    pub delivery_max_rows: u64,
    /// Days an ended call is kept after its last event; then it is deleted
    /// with its events and deliveries (0: kept forever).
    #[arg(long, env = "CALLTRAIL_RETENTION_DAYS", default_value_t = 0)]
    pub retention_days: u32,
    /// Most events kept; past it the least recently active ended calls are
    /// deleted, whole, until under it (0: no limit). Live calls always stay.
    #[arg(long, env = "CALLTRAIL_MAX_EVENTS", default_value_t = 0)]
    pub max_events: u64,
    /// Minutes without an event after which a live call shows as stale and
    /// leaves the Live section (fractions allowed).
    #[arg(long, env = "CALLTRAIL_STALE_MINUTES", default_value_t = 15.0, value_parser = positive_minutes)]
    pub stale_minutes: f64,
    /// When callers' sensitive data (phone numbers, e-mail addresses, cards,
    /// national ids, street addresses) is redacted: `display` (kept whole;
    /// redacted for restricted viewers, exports of theirs, and forwards and
    /// notifications that ask), `ingest` (redacted before it is stored —
    /// cannot be undone) or `off`. The provisioning file's `[redaction]` can
    /// set it per source, with rules of its own.
    #[arg(long, env = "CALLTRAIL_REDACTION", default_value = "display")]
    pub redaction: String,
    /// Which detectors redaction runs: `all`, or a list of `phone`, `email`,
    /// `card`, `national_id`, `address`.
    #[arg(long, env = "CALLTRAIL_REDACTION_DETECTORS", default_value = "all")]
    pub redaction_detectors: String,
    #[command(flatten)]
    pub webhook: WebhookConfig,
    /// Adds `POST /bench/noop`, which only reads and parses the body, and `POST
    /// /bench/naive`, one autocommit INSERT per request (for `calltrail bench`).
    #[arg(long, env = "CALLTRAIL_BENCH_NOOP", hide = true)]
    pub bench_noop: bool,
    /// Bearer token that lets clients not on this machine read `GET /metrics`
    /// (unset: only loopback clients may).
    #[arg(long, env = "CALLTRAIL_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<Secret>,
    #[command(flatten)]
    pub outbound: super::OutboundConfig,
    #[command(flatten)]
    pub sso: super::SsoConfig,
}

/// How webhook senders prove who they are.
#[derive(Debug, Clone, Default, Args)]
pub struct WebhookConfig {
    /// Checks every webhook must pass, comma-separated: `token`, `signature`, `ip`;
    /// or `none` to leave the endpoint open. Default: `token`, plus `signature`
    /// when secrets are set and `ip` when an allowlist is set.
    #[arg(long = "webhook-auth", env = "CALLTRAIL_WEBHOOK_AUTH")]
    pub auth: Option<String>,
    /// The webhook token (default: generated on first start and kept in the database).
    #[arg(
        long = "webhook-token",
        env = "CALLTRAIL_WEBHOOK_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<Secret>,
    /// Standard Webhooks signing secrets (`whsec_…`), comma-separated; any one verifies.
    #[arg(
        long = "webhook-secret",
        env = "CALLTRAIL_WEBHOOK_SECRET",
        hide_env_values = true
    )]
    pub secrets: Option<Secret>,
    /// Each platform's own secrets (`--vapi-secret`, …), declared in its
    /// folder and added to the command line by `cli`.
    #[arg(skip)]
    pub platform_keys: PlatformKeys,
    /// Addresses allowed to send webhooks: IPs or CIDRs, comma-separated.
    #[arg(long = "webhook-allow-ips", env = "CALLTRAIL_WEBHOOK_ALLOW_IPS")]
    pub allow_ips: Option<String>,
    /// Proxies whose `X-Forwarded-For` is believed: IPs or CIDRs, comma-separated.
    #[arg(long = "trusted-proxies", env = "CALLTRAIL_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<String>,
}

/// A setting that must never reach a log: its `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

fn positive_minutes(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(m) if m > 0.0 && m.is_finite() => Ok(m),
        _ => Err(format!("{s:?} is not a positive number of minutes")),
    }
}

impl ServeConfig {
    /// The defaults, with the database at `db` and any free port (for tests).
    pub fn for_tests(db: PathBuf) -> Self {
        ServeConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: Database::Sqlite(db),
            body_limit: 1024 * 1024,
            trace_call_attribute: None,
            demo: false,
            log_format: LogFormat::Text,
            site_root: None,
            public_url: None,
            secure_cookies: None,
            allowed_hosts: None,
            max_streams_per_session: 32,
            session_idle_minutes: 12 * 60,
            session_max_hours: 7 * 24,
            admin_user: None,
            admin_password: None,
            // A loaded CI machine can take long over a render; a page that
            // shows a secret once must not be asked for twice.
            request_timeout_secs: 120,
            ack_timeout_secs: 5,
            api_rate_per_minute: 1200,
            max_connections: 1024,
            idle_timeout_secs: 60,
            delivery_retention_days: 30,
            delivery_max_rows: 100_000,
            retention_days: 0,
            max_events: 0,
            stale_minutes: 15.0,
            redaction: "display".into(),
            redaction_detectors: "all".into(),
            webhook: WebhookConfig {
                auth: Some("none".into()),
                ..WebhookConfig::default()
            },
            bench_noop: false,
            metrics_token: None,
            outbound: Default::default(),
            sso: Default::default(),
        }
    }

    /// True when the session cookie is marked Secure.
    pub fn cookies_secure(&self) -> bool {
        self.secure_cookies
            .unwrap_or_else(|| self.public_url_is_https())
    }

    /// Where people reach the dashboard: links in notifications start here
    /// (`CALLTRAIL_PUBLIC_URL`, else this server's own address).
    pub fn base_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.addr),
        }
    }

    /// True when people reach this server over HTTPS (its public URL says so).
    /// [`ServeConfig::stale_minutes`] in ms.
    pub fn stale_after_ms(&self) -> i64 {
        (self.stale_minutes * 60_000.0).round() as i64
    }

    pub fn public_url_is_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.to_ascii_lowercase().starts_with("https://"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}
