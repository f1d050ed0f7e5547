//! Alert notifications through each kind of channel, end to end: a failing
//! tool call reaches a generic webhook (signed), a Slack-style webhook, and
//! an SMTP server started by the test (Python's aiosmtpd); "Send test"
//! reports the receiver's answer.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common;
use crate::common::{app_with, post, TestApp};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post as post_route;
use axum::Router;
use serde_json::{json, Value};
use sqlx::SqlitePool;

use calltrail::model::{ChannelKind, RuleSpec};
use calltrail::server::store::now_ms;
use calltrail::server::store::prelude::*;
use calltrail::server::store::rules::RuleSettings;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

type Got = Arc<Mutex<Vec<(HeaderMap, Value)>>>;

async fn receiver() -> (String, Got) {
    async fn receive(State(got): State<Got>, headers: HeaderMap, body: String) -> &'static str {
        got.lock()
            .unwrap()
            .push((headers, serde_json::from_str(&body).unwrap()));
        "thanks"
    }
    let got: Got = Arc::default();
    let app = Router::new()
        .route("/hook", post_route(receive))
        .with_state(got.clone());
    (format!("{}/hook", common::receiver::serve(app).await), got)
}

async fn notifying_app(pool: SqlitePool) -> TestApp {
    let app = app_with(pool, |c| {
        c.outbound.allow_private_destinations = true;
        c.outbound.forward_retry_base_ms = 20;
        c.public_url = Some("https://calltrail.example.com".into());
    })
    .await;
    common::start_side_effects(&app);
    app
}

async fn notify_tool_errors(app: &TestApp, channels: Vec<i64>) {
    let store = &app.state.store;
    let rule = store
        .rules()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.name == "tool-error")
        .unwrap();
    let settings = RuleSettings {
        name: rule.name,
        spec: RuleSpec::ToolError {},
        enabled: true,
        cooldown_secs: 300,
        channels,
    };
    store.save_rule(Some(rule.id), &settings).await.unwrap();
}

fn failing_tool(call: &str) -> String {
    json!({"type": "tool-call", "call_id": call, "timestamp": "2025-04-12T14:32:00Z",
        "metadata": {"functionName": "book", "arguments": {}, "error": "no seats left"}})
    .to_string()
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn webhook_and_slack_channels_get_the_alert_once(pool: SqlitePool) {
    let app = notifying_app(pool).await;
    let store = &app.state.store;
    let (url, got) = receiver().await;
    let hook = json!({"kind": "webhook", "url": url, "secret": SECRET}).to_string();
    let slack = json!({"kind": "slack", "url": url}).to_string();
    let a = store
        .save_channel("ops", ChannelKind::Webhook, &hook, now_ms())
        .await
        .unwrap();
    let b = store
        .save_channel("team", ChannelKind::Slack, &slack, now_ms())
        .await
        .unwrap();
    notify_tool_errors(&app, vec![a, b]).await;

    assert_eq!(post(&app, &failing_tool("n1")).await.0, StatusCode::OK);
    wait_for("two notifications", || got.lock().unwrap().len() == 2).await;
    // A second failure in the same call bumps the alert: nothing more is sent.
    post(&app, &failing_tool("n1").replace("no seats", "no rooms")).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "{got:?}");

    let event_id = store.timeline("n1").await.unwrap()[0].id;
    let (headers, webhook) = got.iter().find(|(_, v)| v.get("rule").is_some()).unwrap();
    assert_eq!(webhook["rule"], "tool-error");
    assert_eq!(webhook["call_id"], "n1");
    assert_eq!(webhook["reason"], "Tool book failed: no seats left");
    assert_eq!(
        webhook["link"],
        format!("https://calltrail.example.com/calls/n1?at={event_id}#e{event_id}")
    );
    assert!(webhook.get("transcript").is_none());
    let signature = headers["webhook-signature"].to_str().unwrap();
    assert!(signature.starts_with("v1,"), "{signature}");
    assert!(headers["webhook-id"].to_str().unwrap().starts_with("ntf_"));

    let (_, slack) = got.iter().find(|(_, v)| v.get("blocks").is_some()).unwrap();
    assert_eq!(
        slack["text"],
        "[calltrail] tool-error on call `n1`: Tool book failed: no seats left"
    );

    // "Send test" shows what the receiver answered.
    let channel = store.channel(a).await.unwrap().unwrap();
    let answer = app.state.sender.test(&channel).await;
    assert_eq!(answer.summary(), "Delivered: HTTP 200 — thanks");
}

/// A local SMTP server (aiosmtpd) that prints each message it receives;
/// killed when dropped, whatever happens in the test.
struct Smtp {
    child: Option<Child>,
    port: u16,
}

impl Smtp {
    fn start() -> Smtp {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let python = std::env::var("CALLTRAIL_PYTHON").unwrap_or_else(|_| "python3".into());
        let child = Command::new(python)
            .args([
                "-u",
                "-m",
                "aiosmtpd",
                "-n",
                "-c",
                "aiosmtpd.handlers.Debugging",
                "-l",
            ])
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting aiosmtpd (set CALLTRAIL_PYTHON; .ci/test does)");
        let smtp = Smtp {
            child: Some(child),
            port,
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return smtp;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("aiosmtpd did not start");
    }

    /// Stops the server; what it printed.
    fn stop(mut self) -> String {
        let mut child = self.child.take().expect("running");
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn email_arrives_at_a_local_smtp_server(pool: SqlitePool) {
    let smtp = Smtp::start();
    let app = notifying_app(pool).await;
    let store = &app.state.store;
    let config = json!({"kind": "email", "host": "127.0.0.1", "port": smtp.port, "tls": "none",
        "from": "calltrail@example.com", "to": ["oncall@example.com"]});
    let id = store
        .save_channel("on-call", ChannelKind::Email, &config.to_string(), now_ms())
        .await
        .unwrap();
    notify_tool_errors(&app, vec![id]).await;
    post(&app, &failing_tool("mail-1")).await;
    let mut delivered = false;
    for _ in 0..200 {
        let attempts = store.attempt_views(10).await.unwrap();
        if let Some(a) = attempts.first() {
            assert!(a.error.is_none(), "{a:?}");
            delivered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(delivered, "no attempt was made");
    let printed = smtp.stop();
    assert!(
        printed.contains("Subject: [calltrail] tool-error on call mail-1"),
        "{printed}"
    );
    assert!(
        printed.contains("Tool book failed: no seats left"),
        "{printed}"
    );
    assert!(
        printed.contains("https://calltrail.example.com/calls/mail-1?at="),
        "{printed}"
    );
}
