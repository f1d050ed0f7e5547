//! Sending one outbox message: an event to a destination (in its envelope,
//! signed with Standard Webhooks headers when the destination has a
//! secret) or an alert to a channel (Slack, webhook or email). Redirects
//! are not followed; addresses pass the SSRF guard.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng as _;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, USER_AGENT};

use super::channel::ChannelConfig;
use super::envelope::envelope;
use super::guard;
use super::notification::Notification;
use super::retry::RetryPolicy;
use super::OutboundConfig;
use crate::server::app::redaction::Redaction;
use crate::server::app::webhook_auth::SigningKey;
use crate::server::store::automation::{Channel, Destination};
use crate::server::store::outbox::{Attempt, Next, OutboxItem, Target};
use crate::server::store::prelude::*;
use crate::server::store::{now_ms, Store};

/// How long one try may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Bytes of a receiver's answer kept in the attempt log.
const SNIPPET: usize = 512;

/// What the receiver did with one try.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answer {
    pub ok: bool,
    /// The receiver says the destination is gone for good (410).
    pub gone: bool,
    pub status: Option<u16>,
    pub response: Option<String>,
    pub error: Option<String>,
}

impl Answer {
    fn failed(error: impl ToString) -> Self {
        Answer {
            error: Some(error.to_string()),
            ..Answer::default()
        }
    }

    /// One line for the channel's "Send test" result.
    pub fn summary(&self) -> String {
        let mut s = match (self.ok, self.status) {
            (true, Some(status)) => format!("Delivered: HTTP {status}"),
            (true, None) => "Delivered".to_string(),
            (false, Some(status)) => format!("Refused: HTTP {status}"),
            (false, None) => "Failed".to_string(),
        };
        if let Some(e) = &self.error {
            s.push_str(&format!(" — {e}"));
        }
        if let Some(r) = self.response.as_deref().filter(|r| !r.is_empty()) {
            s.push_str(&format!(" — {r}"));
        }
        s
    }
}

#[derive(Clone)]
pub struct Sender {
    http: reqwest::Client,
    store: Store,
    /// The public URL links in notifications start with.
    base_url: String,
    allow_private: bool,
    retry: RetryPolicy,
    /// What of callers' words forwards (that ask) and notifications leave out.
    redaction: Arc<Redaction>,
}

impl Sender {
    pub fn new(
        store: Store,
        config: &OutboundConfig,
        base_url: String,
        redaction: Arc<Redaction>,
    ) -> anyhow::Result<Self> {
        let mut http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5));
        if let Some(resolver) = guard::resolver(config.allow_private_destinations) {
            http = http.dns_resolver(resolver);
        }
        Ok(Sender {
            http: http.build()?,
            store,
            base_url,
            allow_private: config.allow_private_destinations,
            retry: super::retry_policy(config),
            redaction,
        })
    }

    /// Tries to send one outbox row; says what to do with it next.
    pub async fn deliver(&self, item: &OutboxItem) -> Attempt {
        let started = Instant::now();
        let at = now_ms();
        let (answer, destination) = match &item.target {
            Target::Event {
                destination_id,
                url,
                secret,
                redact,
                event_id,
                event,
            } => {
                let answer = match event {
                    Some(event) => {
                        let redaction = redact.then_some(&*self.redaction);
                        let sent = envelope(*event_id, item.call_id.as_deref(), event, redaction)
                            .to_string();
                        self.post(
                            url,
                            secret.as_deref(),
                            &item.message_id,
                            sent.as_bytes(),
                            item.replay,
                        )
                        .await
                    }
                    None => Answer::failed("the event is no longer stored (retention deleted it)"),
                };
                (answer, Some(*destination_id))
            }
            Target::Alert {
                channel_id,
                alert_id,
            } => (self.notify_alert(*channel_id, *alert_id, item).await, None),
        };
        let next = if answer.ok {
            Next::Delivered
        } else if let (true, Some(destination_id)) = (answer.gone, destination) {
            Next::PauseDestination {
                destination_id,
                reason: "the receiver answered 410 Gone".into(),
            }
        } else if answer.status.is_none()
            && matches!(item.target, Target::Event { event: None, .. })
        {
            Next::Failed
        } else {
            let jitter = rand::rng().random::<f64>();
            self.retry
                .after_failure(item.attempts + 1, item.created_at, now_ms(), jitter)
        };
        Attempt {
            outbox_id: item.id,
            destination_id: destination,
            at,
            status: answer.status,
            latency_ms: started.elapsed().as_millis() as i64,
            response: answer.response,
            error: answer.error,
            next,
        }
    }

    async fn notify_alert(&self, channel_id: i64, alert_id: i64, item: &OutboxItem) -> Answer {
        let channel = match self.store.channel(channel_id).await {
            Ok(Some(c)) => c,
            Ok(None) => return Answer::failed("the channel was deleted"),
            Err(e) => return Answer::failed(format!("reading the channel: {e}")),
        };
        let alert = match self.store.alert(alert_id).await {
            Ok(Some(a)) => a,
            Ok(None) => return Answer::failed("the alert was deleted"),
            Err(e) => return Answer::failed(format!("reading the alert: {e}")),
        };
        let mut notification = Notification::of(&alert, &self.base_url);
        // People read notifications in chat and mail: callers' data stays out.
        self.redaction.notice(&mut notification.reason);
        self.notify(&channel, &notification, &item.message_id, item.replay)
            .await
    }

    /// Sends a test notification through `channel`.
    /// Posts a test event to a destination, in a forward's envelope and
    /// signed as forwards are.
    pub async fn test_destination(&self, destination: &Destination) -> Answer {
        let at = now_ms();
        let body = super::envelope::test(at).to_string();
        let id = format!("test_{}_{at}", destination.id);
        self.post(
            &destination.url,
            destination.secret.as_deref(),
            &id,
            body.as_bytes(),
            false,
        )
        .await
    }

    pub async fn test(&self, channel: &Channel) -> Answer {
        let notification = Notification::test(&self.base_url, now_ms());
        let id = format!("test_{}_{}", channel.id, now_ms());
        self.notify(channel, &notification, &id, false).await
    }

    async fn notify(
        &self,
        channel: &Channel,
        notification: &Notification,
        message_id: &str,
        replay: bool,
    ) -> Answer {
        let config = match ChannelConfig::from_stored(channel.kind, &channel.config) {
            Ok(c) => c,
            Err(e) => return Answer::failed(e),
        };
        match &config {
            ChannelConfig::Slack { url } => {
                let body = notification.slack_json().to_string();
                self.post(url, None, message_id, body.as_bytes(), replay)
                    .await
            }
            ChannelConfig::Webhook { url, secret } => {
                let body = notification.webhook_json().to_string();
                self.post(url, secret.as_deref(), message_id, body.as_bytes(), replay)
                    .await
            }
            ChannelConfig::Email(email) => {
                let (subject, body) = notification.email();
                match super::email::send(email, &subject, &body, self.allow_private).await {
                    Ok(answer) => Answer {
                        ok: true,
                        response: Some(answer),
                        ..Answer::default()
                    },
                    Err(e) => Answer::failed(e),
                }
            }
        }
    }

    /// POSTs JSON `body`, with Standard Webhooks headers.
    async fn post(
        &self,
        url: &str,
        secret: Option<&str>,
        message_id: &str,
        body: &[u8],
        replay: bool,
    ) -> Answer {
        let url = match guard::check_url(url, self.allow_private) {
            Ok(url) => url,
            Err(e) => return Answer::failed(e),
        };
        let headers = match headers(secret, message_id, body, replay) {
            Ok(h) => h,
            Err(e) => return Answer::failed(e),
        };
        let response = match self
            .http
            .post(url)
            .headers(headers)
            .body(body.to_vec())
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => return Answer::failed(describe(e)),
        };
        let status = response.status();
        let snippet = snippet(response).await;
        Answer {
            ok: status.is_success(),
            gone: status == reqwest::StatusCode::GONE,
            status: Some(status.as_u16()),
            response: Some(snippet),
            error: (!status.is_success()).then(|| format!("HTTP {status}")),
        }
    }
}

fn headers(
    secret: Option<&str>,
    message_id: &str,
    body: &[u8],
    replay: bool,
) -> Result<HeaderMap, String> {
    let value =
        |s: &str| HeaderValue::from_str(s).map_err(|_| format!("{s:?} is not a header value"));
    let timestamp = now_ms() / 1000;
    let mut h = HeaderMap::new();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert(
        USER_AGENT,
        HeaderValue::from_static(concat!("calltrail/", env!("CARGO_PKG_VERSION"))),
    );
    h.insert("webhook-id", value(message_id)?);
    h.insert("webhook-timestamp", value(&timestamp.to_string())?);
    if let Some(secret) = secret {
        let key = SigningKey::parse(secret).map_err(|e| e.to_string())?;
        h.insert(
            "webhook-signature",
            value(&key.sign(message_id, timestamp, body))?,
        );
    }
    if replay {
        h.insert("calltrail-replay", HeaderValue::from_static("1"));
    }
    Ok(h)
}

/// The start of a receiver's answer, as text.
async fn snippet(mut response: reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < SNIPPET {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    bytes.truncate(SNIPPET);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A transport error in a line: what went wrong, without the URL's secrets.
fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut s = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(inner) = source {
        s.push_str(&format!(": {inner}"));
        source = inner.source();
    }
    s
}
