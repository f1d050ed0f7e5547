//! What the dashboard's "Connect your agent" panel shows: the URL to paste
//! into each platform and which checks are in force.

use super::WebhookAuth;
use crate::model::{ConnectInfo, PlatformLink};
use crate::server::app::ingest::Platform;

impl WebhookAuth {
    /// The panel's contents, for a server reached at `base_url`.
    pub fn connect_info(&self, base_url: &str) -> ConnectInfo {
        let token = self.current_token();
        let url = |platform: Platform| {
            let base = format!(
                "{}/webhooks/{}",
                base_url.trim_end_matches('/'),
                platform.source()
            );
            match &token {
                Some(t) => format!("{base}?token={t}"),
                None => base,
            }
        };
        let vapi_note = match (&self.platforms.vapi_secret, &self.platforms.vapi_hmac) {
            (Some(_), Some(_)) => Some("Send CALLTRAIL_VAPI_SECRET as the X-Vapi-Secret header, and sign with an HMAC credential (SHA-256, default headers) whose secret is CALLTRAIL_VAPI_HMAC_SECRET."),
            (Some(_), None) => Some("Set the server's secret (or a bearer credential sent as X-Vapi-Secret, without prefix) to the value of CALLTRAIL_VAPI_SECRET."),
            (None, Some(_)) => Some("Attach an HMAC credential (SHA-256, default headers and format) whose secret is CALLTRAIL_VAPI_HMAC_SECRET."),
            (None, None) => None,
        };
        let retell_note = self.platforms.retell_api_key.as_ref().map(|_| {
            "Signatures are verified with CALLTRAIL_RETELL_API_KEY: use the API key that carries the webhook badge."
        });
        ConnectInfo {
            webhook_url: url(Platform::Infer),
            token_required: token.is_some(),
            token_from_env: self.token_from_env,
            signature_required: self.checks.signature,
            ip_allowlist: self.checks.ip,
            open: self.checks.open(),
            public_url_set: false,
            platforms: vec![
                PlatformLink {
                    name: "Vapi".into(),
                    url: url(Platform::Vapi),
                    paste_into: "the assistant's Server URL (Advanced → Server Settings), or the phone number's".into(),
                    secret_note: vapi_note.map(str::to_string),
                },
                PlatformLink {
                    name: "Retell".into(),
                    url: url(Platform::Retell),
                    paste_into: "the agent's Webhook URL (or the account's, under Settings → Webhooks)".into(),
                    secret_note: retell_note.map(str::to_string),
                },
            ],
        }
    }
}
