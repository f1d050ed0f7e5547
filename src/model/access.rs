//! Who is looking, and how agents connect.

use serde::{Deserialize, Serialize};

/// The signed-in person, as the layout shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub username: String,
    /// The webhook endpoint accepts anything (`CALLTRAIL_WEBHOOK_AUTH=none`).
    pub webhook_open: bool,
    /// Alerts open now (the top bar's count; kept live over SSE).
    pub open_alerts: i64,
}

/// What the "Connect your agent" panel shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectInfo {
    /// The complete URL to paste into the agent's `event_webhook_url`.
    pub webhook_url: String,
    pub token_required: bool,
    /// The token comes from `CALLTRAIL_WEBHOOK_TOKEN`, so it is rotated there.
    pub token_from_env: bool,
    pub signature_required: bool,
    pub ip_allowlist: bool,
    pub open: bool,
    /// Where Vapi and Retell post, and what to set on their side.
    pub platforms: Vec<PlatformLink>,
}

/// One more platform's webhook URL and where it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformLink {
    pub name: String,
    pub url: String,
    /// Where the URL is pasted on the platform's side.
    pub paste_into: String,
    /// What else to set there, when calltrail checks the platform's own proof.
    pub secret_note: Option<String>,
}

impl ConnectInfo {
    pub fn can_rotate(&self) -> bool {
        self.token_required && !self.token_from_env
    }
}
