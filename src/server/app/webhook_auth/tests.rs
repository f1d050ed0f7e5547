//! Settings, the connect panel and token reading, without a server.

use axum::http::{header, HeaderMap, Uri};

use super::check::offered_tokens;
use super::*;
use crate::server::config::Secret;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn config(auth: Option<&str>) -> WebhookConfig {
    WebhookConfig {
        auth: auth.map(str::to_string),
        ..WebhookConfig::default()
    }
}

#[test]
fn default_is_the_token_plus_whatever_is_configured() {
    let checks = WebhookAuth::from_config(&config(None)).unwrap().checks;
    assert_eq!(
        checks,
        Checks {
            token: true,
            signature: false,
            ip: false
        }
    );

    let mut both = config(None);
    both.secrets = Some(Secret(SECRET.into()));
    both.allow_ips = Some("10.0.0.0/8".into());
    let checks = WebhookAuth::from_config(&both).unwrap().checks;
    assert_eq!(
        checks,
        Checks {
            token: true,
            signature: true,
            ip: true
        }
    );
}

#[test]
fn open_only_when_asked_for() {
    let auth = WebhookAuth::from_config(&config(Some("none"))).unwrap();
    assert!(auth.checks.open());
    assert!(auth.connect_info("http://x").open);
}

#[test]
fn contradictory_or_malformed_settings_are_refused() {
    let refused = |c: WebhookConfig| WebhookAuth::from_config(&c).unwrap_err().to_string();
    assert!(refused(config(Some("none,token"))).contains("cannot be combined"));
    assert!(refused(config(Some("tokn"))).contains("unknown check"));
    assert!(refused(config(Some("signature"))).contains("CALLTRAIL_WEBHOOK_SECRET is not set"));
    assert!(refused(config(Some("ip"))).contains("CALLTRAIL_WEBHOOK_ALLOW_IPS is not set"));

    let mut empty_secret = config(None);
    empty_secret.secrets = Some(Secret(String::new()));
    assert!(refused(empty_secret).contains("CALLTRAIL_WEBHOOK_SECRET"));

    let mut one_bad = config(None);
    one_bad.secrets = Some(Secret(format!("{SECRET},whsec_")));
    assert!(refused(one_bad).contains("CALLTRAIL_WEBHOOK_SECRET"));

    let mut short_token = config(None);
    short_token.token = Some(Secret("short".into()));
    assert!(refused(short_token).contains("at least 16"));

    let mut unused_secret = config(Some("token"));
    unused_secret.secrets = Some(Secret(SECRET.into()));
    assert!(refused(unused_secret).contains("leaves out `signature`"));
}

#[test]
fn token_from_the_environment_is_used_and_cannot_be_rotated_here() {
    let mut c = config(None);
    c.token = Some(Secret("configured-token-0123456789".into()));
    let auth = WebhookAuth::from_config(&c).unwrap();
    let info = auth.connect_info("https://calls.example.com/");
    assert_eq!(
        info.webhook_url,
        "https://calls.example.com/webhooks/infer?token=configured-token-0123456789"
    );
    assert!(info.token_required && info.token_from_env);
    // What an OTLP exporter is given: the base address and the token as a
    // bearer header, URL-encoded as the exporters read it.
    assert_eq!(
        info.traces.endpoint,
        "OTEL_EXPORTER_OTLP_ENDPOINT=https://calls.example.com"
    );
    assert_eq!(
        info.traces.headers.as_deref(),
        Some("OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20configured-token-0123456789")
    );
    let frameworks: Vec<&str> = info
        .traces
        .frameworks
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(frameworks, ["LiveKit Agents", "Pipecat"]);
    let platforms: Vec<&str> = info.platforms.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(platforms, ["Vapi", "Retell", "ElevenLabs"]);
}

#[test]
fn token_is_read_from_query_or_bearer() {
    let uri: Uri = "/webhooks/infer?a=1&token=abc".parse().unwrap();
    let mut headers = HeaderMap::new();
    assert_eq!(offered_tokens(&uri, &headers), vec!["abc".to_string()]);
    headers.insert(header::AUTHORIZATION, "Bearer def".parse().unwrap());
    let plain: Uri = "/webhooks/infer".parse().unwrap();
    assert_eq!(offered_tokens(&plain, &headers), vec!["def".to_string()]);
    headers.insert(header::AUTHORIZATION, "Basic def".parse().unwrap());
    assert!(offered_tokens(&plain, &headers).is_empty());
}
