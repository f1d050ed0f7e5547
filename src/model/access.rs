//! Who is looking, and how agents connect.

use serde::{Deserialize, Serialize};

use super::AccountRole;

/// The signed-in person, as the layout shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub username: String,
    /// What the account may do: pages leave out what it cannot use.
    pub role: AccountRole,
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
    /// `CALLTRAIL_PUBLIC_URL` is set: the URL is the one agents reach.
    pub public_url_set: bool,
    /// Where Vapi, Retell and ElevenLabs post, and what to set on their side.
    pub platforms: Vec<PlatformLink>,
    /// What a framework's OpenTelemetry exporter is given to send here.
    pub traces: TracesLink,
    /// The token is left out: only admins see secrets.
    #[serde(default)]
    pub token_hidden: bool,
}

/// The settings an OTLP exporter (LiveKit Agents, Pipecat) needs to send
/// its traces here, as environment lines to copy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TracesLink {
    /// `OTEL_EXPORTER_OTLP_ENDPOINT=…` (the exporter adds `/v1/traces`).
    pub endpoint: String,
    /// `OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20…`, when a token
    /// is required.
    pub headers: Option<String>,
    /// Each framework's name and what to do in its code.
    pub frameworks: Vec<(String, String)>,
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

/// What became of a "Send a test event".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestEvent {
    pub call_id: String,
    /// The webhook route answered 2xx: the event is stored.
    pub accepted: bool,
    /// The route's answer, as a sender would see it.
    pub answer: String,
}

impl ConnectInfo {
    pub fn can_rotate(&self) -> bool {
        self.token_required && !self.token_from_env && !self.token_hidden
    }

    /// What is shown in place of the token to those who may not see it.
    pub const HIDDEN_TOKEN: &'static str = "ASK-AN-ADMIN-FOR-THE-TOKEN";

    /// The same details with `token` replaced wherever it appears.
    pub fn hiding(mut self, token: &str) -> Self {
        if token.is_empty() {
            return self;
        }
        let hide = |s: &mut String| *s = s.replace(token, Self::HIDDEN_TOKEN);
        hide(&mut self.webhook_url);
        for link in &mut self.platforms {
            hide(&mut link.url);
        }
        if let Some(headers) = &mut self.traces.headers {
            *headers = format!(
                "OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20{}",
                Self::HIDDEN_TOKEN
            );
        }
        self.token_hidden = true;
        self
    }

    /// The port the webhook URL names (the scheme's when it names none):
    /// what a tunnel must point at.
    pub fn port(&self) -> u16 {
        let (scheme, rest) = self.webhook_url.split_once("://").unwrap_or(("http", ""));
        let host = rest.split(['/', '?']).next().unwrap_or("");
        let after_host = host.rsplit_once(']').map_or(host, |(_, p)| p);
        after_host
            .rsplit_once(':')
            .and_then(|(_, p)| p.parse().ok())
            .unwrap_or(if scheme == "https" { 443 } else { 80 })
    }

    /// The URL names this machine or a private network, and no public URL
    /// is set: an agent running in the cloud cannot reach it.
    pub fn unreachable_from_cloud(&self) -> bool {
        !self.public_url_set && host_of(&self.webhook_url).is_some_and(is_private_host)
    }
}

/// The host of an `http(s)://host[:port]/…` URL, without brackets.
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    Some(host)
}

/// Loopback, private, link-local and `.local`/`localhost` names.
fn is_private_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") || host.ends_with(".local") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => {
            ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified()
        }
        Ok(std::net::IpAddr::V6(ip)) => {
            ip.is_loopback()
                || ip.is_unspecified()
                || (ip.segments()[0] & 0xfe00) == 0xfc00
                || (ip.segments()[0] & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(url: &str, public_url_set: bool) -> ConnectInfo {
        ConnectInfo {
            webhook_url: url.into(),
            token_required: true,
            token_from_env: false,
            signature_required: false,
            ip_allowlist: false,
            open: false,
            public_url_set,
            platforms: vec![],
            traces: TracesLink::default(),
            token_hidden: false,
        }
    }

    #[test]
    fn hiding_leaves_no_copy_of_the_token() {
        let mut shown = info("https://ct.example/webhooks/infer?token=s3cret", true);
        shown.platforms.push(PlatformLink {
            name: "Vapi".into(),
            url: "https://ct.example/webhooks/vapi?token=s3cret".into(),
            paste_into: String::new(),
            secret_note: None,
        });
        shown.traces.headers =
            Some("OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20s3cret".into());
        let hidden = shown.hiding("s3cret");
        assert!(!format!("{hidden:?}").contains("s3cret"));
        assert!(hidden
            .webhook_url
            .ends_with("token=ASK-AN-ADMIN-FOR-THE-TOKEN"));
        assert!(!hidden.can_rotate());
    }

    #[test]
    fn local_addresses_are_flagged_unless_a_public_url_is_set() {
        for url in [
            "http://127.0.0.1:3000/webhooks/infer?token=x",
            "http://localhost:3000/webhooks/infer",
            "http://192.168.1.20:3000/webhooks/infer",
            "http://10.0.0.5/webhooks/infer",
            "http://172.20.1.1:80/x",
            "http://[::1]:3000/webhooks/infer",
            "http://[fd00::1]:3000/x",
            "http://calltrail.local:3000/x",
        ] {
            assert!(info(url, false).unreachable_from_cloud(), "{url}");
            assert!(!info(url, true).unreachable_from_cloud(), "{url}");
        }
        for url in [
            "https://calltrail.example.com/webhooks/infer",
            "http://203.0.113.9:3000/webhooks/infer",
            "http://172.32.0.1/x",
        ] {
            assert!(!info(url, false).unreachable_from_cloud(), "{url}");
        }
    }

    #[test]
    fn the_tunnel_hint_names_the_port_served() {
        assert_eq!(
            info("http://127.0.0.1:3990/webhooks/infer?token=x", false).port(),
            3990
        );
        assert_eq!(info("http://[::1]:8080/webhooks/infer", false).port(), 8080);
        assert_eq!(info("http://localhost/webhooks/infer", false).port(), 80);
        assert_eq!(
            info("https://calls.example.com/webhooks/infer", false).port(),
            443
        );
    }
}
