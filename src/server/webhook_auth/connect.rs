//! What the dashboard's "Connect your agent" panel shows: the URL to paste
//! into the agent and which checks are in force.

use super::WebhookAuth;
use crate::model::ConnectInfo;

impl WebhookAuth {
    /// The panel's contents, for a server reached at `base_url`.
    pub fn connect_info(&self, base_url: &str) -> ConnectInfo {
        let base = format!("{}/webhooks/infer", base_url.trim_end_matches('/'));
        let token = self.current_token();
        ConnectInfo {
            webhook_url: match &token {
                Some(t) => format!("{base}?token={t}"),
                None => base,
            },
            token_required: token.is_some(),
            token_from_env: self.token_from_env,
            signature_required: self.checks.signature,
            ip_allowlist: self.checks.ip,
            open: self.checks.open(),
        }
    }
}
