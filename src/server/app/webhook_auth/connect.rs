//! What the dashboard's "Connect your agent" panel shows: the URL to paste
//! into each platform, what an OpenTelemetry exporter is set to, and which
//! checks are in force.

use super::WebhookAuth;
use crate::model::{ConnectInfo, PlatformLink, TracesLink};
use crate::server::app::platforms::{Platform, ALL, TRACERS};

/// What a header value keeps as it is in `OTEL_EXPORTER_OTLP_HEADERS`,
/// which exporters URL-decode: letters, digits and `-_.~`.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

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
        ConnectInfo {
            webhook_url: url(Platform::INFER),
            token_required: token.is_some(),
            token_from_env: self.token_from_env,
            signature_required: self.checks.signature,
            ip_allowlist: self.checks.ip,
            open: self.checks.open(),
            public_url_set: false,
            platforms: ALL
                .iter()
                .copied()
                .filter_map(|platform| {
                    let connect = platform.connect.as_ref()?;
                    Some(PlatformLink {
                        name: platform.label().into(),
                        url: url(platform),
                        paste_into: connect.paste_into.into(),
                        secret_note: (connect.secret_note)(&self.platforms).map(str::to_string),
                    })
                })
                .collect(),
            traces: TracesLink {
                endpoint: format!(
                    "OTEL_EXPORTER_OTLP_ENDPOINT={}",
                    base_url.trim_end_matches('/')
                ),
                // The exporters read the header list URL-encoded.
                headers: token.as_ref().map(|t| {
                    let t = percent_encoding::utf8_percent_encode(t, UNRESERVED);
                    format!("OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20{t}")
                }),
                frameworks: TRACERS
                    .iter()
                    .map(|t| (t.info.label.to_string(), t.connect.to_string()))
                    .collect(),
            },
            token_hidden: false,
        }
    }
}
