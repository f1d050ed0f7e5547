//! Webhook authentication through the real route: tokens, Standard Webhooks
//! signatures made by independent implementations (the PyPI `standardwebhooks`
//! and `svix` packages, which `.ci/test` installs), and the IP allowlist.
//! Every refused delivery is logged as unauthenticated and makes no event.

use std::net::SocketAddr;

use crate::common;
use crate::common::{app_with, fixture, send, TestApp};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use calltrail::model::{Delivery, DeliveryOutcome};
use calltrail::server::config::{Secret, ServeConfig};
use calltrail::server::store::now_ms;
use calltrail::server::store::prelude::*;
use sqlx::SqlitePool;

const SECRET_A: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SECRET_B: &str = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=";
const TOKEN: &str = "test-token-0123456789abcdef";

/// Runs the independent signer: `library` is `standardwebhooks` or `svix`.
fn python_sign(library: &str, secret: &str, id: &str, seconds: i64, body: &str) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/signer.py");
    let seconds = seconds.to_string();
    let hint = format!(
        "the {library} signer failed — `pip install standardwebhooks svix` (.ci/test does)"
    );
    let out = common::run_python(&[script, library, secret, id, &seconds], body, &hint);
    String::from_utf8(out).unwrap().trim().to_string()
}

fn signed(id: &str, seconds: i64, signature: &str, body: &str) -> Request<Body> {
    Request::post("/webhooks/infer")
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", seconds.to_string())
        .header("webhook-signature", signature)
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn with_secrets(secrets: &str) -> impl FnOnce(&mut ServeConfig) + '_ {
    move |c| {
        c.webhook.auth = Some("signature".into());
        c.webhook.secrets = Some(Secret(secrets.into()));
    }
}

/// Every delivery logged, oldest first, read through the store (so on
/// either backend).
async fn log(app: &TestApp) -> Vec<Delivery> {
    let mut all = app.state.store.deliveries(0, 10_000).await.unwrap();
    all.reverse();
    all
}

/// (error, detail) of every delivery logged, oldest first.
async fn logged(app: &TestApp) -> Vec<(Option<String>, Option<String>)> {
    log(app)
        .await
        .into_iter()
        .map(|d| (d.error, d.detail))
        .collect()
}

async fn events_stored(app: &TestApp) -> i64 {
    app.state.store.usage().await.unwrap().events
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn signatures_from_independent_implementations_verify(pool: SqlitePool) {
    let app = app_with(pool, with_secrets(SECRET_A)).await;
    let body = fixture("conversation-update.json");
    let now = now_ms() / 1000;
    for (i, library) in ["standardwebhooks", "svix"].into_iter().enumerate() {
        let id = format!("msg_ok_{i}");
        let signature = python_sign(library, SECRET_A, &id, now, &body);
        let (status, json) = send(&app, signed(&id, now, &signature, &body)).await;
        assert_eq!(status, StatusCode::OK, "{library}: {json}");
    }
    assert_eq!(
        events_stored(&app).await,
        2,
        "each delivery id is its own event"
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn tampered_stale_or_malformed_signatures_are_refused_and_logged(pool: SqlitePool) {
    let app = app_with(pool, with_secrets(SECRET_A)).await;
    let body = fixture("conversation-update.json");
    let now = now_ms() / 1000;
    let good = python_sign("standardwebhooks", SECRET_A, "msg_1", now, &body);
    let stale_at = now - 6 * 60;
    let stale = python_sign("standardwebhooks", SECRET_A, "msg_1", stale_at, &body);
    let wrong_secret = python_sign("standardwebhooks", SECRET_B, "msg_1", now, &body);
    let changed_body = body.replace("\"message\"", "\"message\" ");
    // (what, webhook-id, timestamp, signature, body, reason logged)
    let cases = [
        (
            "changed body",
            "msg_1",
            now,
            good.as_str(),
            changed_body.as_str(),
            "no signature matches",
        ),
        (
            "changed id",
            "msg_2",
            now,
            &good,
            &body,
            "no signature matches",
        ),
        (
            "6 minutes old",
            "msg_1",
            stale_at,
            &stale,
            &body,
            "s away from the server clock",
        ),
        ("empty v1", "msg_1", now, "v1,", &body, "no well-formed"),
        (
            "wrong secret",
            "msg_1",
            now,
            &wrong_secret,
            &body,
            "no signature matches",
        ),
        (
            "bad base64",
            "msg_1",
            now,
            "v1,%%%not-base64%%%",
            &body,
            "no well-formed",
        ),
    ];
    for (what, id, at, signature, body, _) in cases {
        let (status, json) = send(&app, signed(id, at, signature, body)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
        assert_eq!(json["error"], "unauthenticated", "{what}");
        // The sender is not told which check failed.
        assert!(
            !json["detail"]
                .as_str()
                .unwrap()
                .contains("signature matches"),
            "{what}"
        );
    }
    let log = logged(&app).await;
    assert_eq!(log.len(), cases.len());
    for ((what, .., reason), (error, detail)) in cases.iter().zip(&log) {
        assert_eq!(error.as_deref(), Some("unauthenticated"), "{what}");
        let detail = detail.as_deref().unwrap_or_default();
        assert!(detail.contains(reason), "{what}: logged {detail:?}");
    }
    assert_eq!(events_stored(&app).await, 0);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn any_secret_of_a_rotation_list_verifies(pool: SqlitePool) {
    let app = app_with(pool, with_secrets(&format!("{SECRET_A},{SECRET_B}"))).await;
    let body = fixture("conversation-update.json");
    let now = now_ms() / 1000;
    let signature = python_sign("svix", SECRET_B, "msg_new", now, &body);
    let (status, _) = send(&app, signed("msg_new", now, &signature, &body)).await;
    assert_eq!(status, StatusCode::OK);
}

fn plain(uri: &str, bearer: Option<&str>) -> Request<Body> {
    let mut request = Request::post(uri).header("content-type", "application/json");
    if let Some(token) = bearer {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    request
        .body(Body::from(fixture("conversation-update.json")))
        .unwrap()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn token_in_query_or_header_is_accepted_and_a_wrong_one_refused(pool: SqlitePool) {
    let app = app_with(pool, |c| {
        c.webhook.auth = None;
        c.webhook.token = Some(Secret(TOKEN.into()));
    })
    .await;
    let url = format!("/webhooks/infer?token={TOKEN}");
    assert_eq!(send(&app, plain(&url, None)).await.0, StatusCode::OK);
    assert_eq!(
        send(&app, plain("/webhooks/infer", Some(TOKEN))).await.0,
        StatusCode::OK
    );

    let (status, json) = send(&app, plain("/webhooks/infer?token=wrong-token", None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(json["error"], "unauthenticated");
    assert_eq!(
        send(&app, plain("/webhooks/infer", Some("wrong"))).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&app, plain("/webhooks/infer", None)).await.0,
        StatusCode::UNAUTHORIZED
    );

    let log = logged(&app).await;
    let reasons: Vec<_> = log[2..]
        .iter()
        .map(|(_, d)| d.clone().unwrap_or_default())
        .collect();
    assert!(reasons[0].contains("does not match") && reasons[1].contains("does not match"));
    assert!(reasons[2].contains("no webhook token"));
    assert!(
        !reasons.iter().any(|r| r.contains(TOKEN)),
        "the token is never logged"
    );
    assert_eq!(events_stored(&app).await, 1);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_generated_token_is_stored_and_rotated(pool: SqlitePool) {
    let app = app_with(pool, |c| c.webhook.auth = None).await;
    let auth = &app.state.webhook_auth;
    let first = auth.current_token().expect("a token is generated");
    assert_eq!(
        app.state.store.webhook_token().await.unwrap(),
        Some(first.clone())
    );
    let info = auth.connect_info("http://calls.example.com");
    assert_eq!(
        info.webhook_url,
        format!("http://calls.example.com/webhooks/infer?token={first}")
    );
    assert!(info.can_rotate());

    auth.rotate_token(&app.state.store).await.unwrap();
    let second = auth.current_token().unwrap();
    assert_ne!(first, second);
    assert_eq!(
        app.state.store.webhook_token().await.unwrap(),
        Some(second.clone())
    );
    let old = format!("/webhooks/infer?token={first}");
    assert_eq!(
        send(&app, plain(&old, None)).await.0,
        StatusCode::UNAUTHORIZED
    );
    let new = format!("/webhooks/infer?token={second}");
    assert_eq!(send(&app, plain(&new, None)).await.0, StatusCode::OK);
}

fn from_peer(peer: &str, forwarded_for: Option<&str>) -> Request<Body> {
    let mut request = plain("/webhooks/infer", None);
    let addr: SocketAddr = format!("{peer}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(addr));
    if let Some(xff) = forwarded_for {
        request
            .headers_mut()
            .insert("x-forwarded-for", xff.parse().unwrap());
    }
    request
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_allowlist_uses_the_socket_address_without_a_trusted_proxy(pool: SqlitePool) {
    let app = app_with(pool, |c| {
        c.webhook.auth = Some("ip".into());
        c.webhook.allow_ips = Some("10.0.0.0/8".into());
    })
    .await;
    assert_eq!(
        send(&app, from_peer("10.1.2.3", None)).await.0,
        StatusCode::OK
    );
    let (status, json) = send(&app, from_peer("192.0.2.1", None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(json["error"], "unauthenticated");
    // A forged header from an untrusted peer changes nothing.
    assert_eq!(
        send(&app, from_peer("127.0.0.1", Some("10.9.9.9"))).await.0,
        StatusCode::FORBIDDEN
    );
    let log = logged(&app).await;
    assert!(log[1].1.as_deref().unwrap().contains("192.0.2.1"));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_allowlist_believes_a_trusted_proxy(pool: SqlitePool) {
    let app = app_with(pool, |c| {
        c.webhook.auth = Some("ip".into());
        c.webhook.allow_ips = Some("10.0.0.0/8".into());
        c.webhook.trusted_proxies = Some("127.0.0.1".into());
    })
    .await;
    assert_eq!(
        send(&app, from_peer("127.0.0.1", Some("10.9.9.9"))).await.0,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, from_peer("127.0.0.1", Some("192.0.2.5")))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    // The proxy itself is not in the allowlist.
    assert_eq!(
        send(&app, from_peer("127.0.0.1", None)).await.0,
        StatusCode::FORBIDDEN
    );
    let addresses: Vec<Option<String>> =
        log(&app).await.into_iter().map(|d| d.remote_addr).collect();
    assert_eq!(
        addresses[0].as_deref(),
        Some("10.9.9.9"),
        "the client, not the proxy, is logged"
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_forwarded_for_line_appended_by_the_trusted_proxy_wins(pool: SqlitePool) {
    let app = app_with(pool, |c| {
        c.webhook.auth = Some("ip".into());
        c.webhook.allow_ips = Some("10.0.0.0/8".into());
        c.webhook.trusted_proxies = Some("127.0.0.1".into());
    })
    .await;
    // The client forged the first line; the proxy appended the real address.
    let mut request = from_peer("127.0.0.1", Some("10.9.9.9"));
    request
        .headers_mut()
        .append("x-forwarded-for", "192.0.2.5".parse().unwrap());
    assert_eq!(send(&app, request).await.0, StatusCode::FORBIDDEN);
    // And the other way round, a real allowed client behind the proxy.
    let mut request = from_peer("127.0.0.1", Some("192.0.2.5"));
    request
        .headers_mut()
        .append("x-forwarded-for", "10.9.9.9".parse().unwrap());
    assert_eq!(send(&app, request).await.0, StatusCode::OK);
    let addresses: Vec<Option<String>> =
        log(&app).await.into_iter().map(|d| d.remote_addr).collect();
    assert_eq!(
        addresses,
        vec![Some("192.0.2.5".to_string()), Some("10.9.9.9".to_string())]
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn only_the_first_eight_signature_entries_are_compared(pool: SqlitePool) {
    use base64::Engine as _;
    use calltrail::server::app::webhook_auth::SigningKey;

    let app = app_with(pool, with_secrets(SECRET_A)).await;
    let body = fixture("conversation-update.json");
    let now = now_ms() / 1000;
    let key = SigningKey::parse(SECRET_A).unwrap();
    let bogus = |n: usize| {
        (0..n)
            .map(|i| {
                let tag = [i as u8; 32];
                format!(
                    "v1,{}",
                    base64::engine::general_purpose::STANDARD.encode(tag)
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    // A valid signature among the first entries is accepted.
    let good = key.sign("msg_early", now, body.as_bytes());
    let header = format!("{} {good}", bogus(3));
    let (status, json) = send(&app, signed("msg_early", now, &header, &body)).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    // After eight well-formed bogus ones it is never looked at.
    let good = key.sign("msg_late", now, body.as_bytes());
    let header = format!("{} {good}", bogus(8));
    let (status, _) = send(&app, signed("msg_late", now, &header, &body)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let log = logged(&app).await;
    let detail = log[1].1.as_deref().unwrap_or_default();
    assert!(
        detail.contains("no signature matches") && detail.contains("first 8"),
        "logged {detail:?}"
    );
    assert_eq!(events_stored(&app).await, 1);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_wrong_token_is_refused_before_the_body_is_read(pool: SqlitePool) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    let app = app_with(pool, |c| {
        c.webhook.auth = None;
        c.webhook.token = Some(Secret(TOKEN.into()));
    })
    .await;
    let polled = Arc::new(AtomicBool::new(false));
    let flag = polled.clone();
    let mebibyte = vec![b'x'; 1024 * 1024];
    let stream = futures::stream::once(async move {
        flag.store(true, Ordering::SeqCst);
        Ok::<_, std::io::Error>(mebibyte)
    });
    let request = Request::post("/webhooks/infer?token=wrong-token-0123456789")
        .header("content-type", "application/json")
        .header("content-length", 1024 * 1024)
        .body(Body::from_stream(stream))
        .unwrap();
    let (status, json) = send(&app, request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(json["error"], "unauthenticated");
    assert!(!polled.load(Ordering::SeqCst), "the body was read");
    let logged = log(&app).await;
    let [delivery] = &logged[..] else {
        panic!("one delivery logged: {logged:?}");
    };
    let detail = delivery.detail.clone().unwrap_or_default();
    assert_eq!(delivery.body_len, 0, "no body kept");
    assert!(
        delivery.body_truncated,
        "the log says the body is not all there"
    );
    assert!(detail.contains("does not match") && detail.contains("not read"));
}

fn refused_from(peer: &str) -> Request<Body> {
    let mut request = plain("/webhooks/infer?token=wrong-token-0123456789", None);
    let addr: SocketAddr = SocketAddr::new(peer.parse().unwrap(), 40000);
    request.extensions_mut().insert(ConnectInfo(addr));
    request
}

/// Infer's published examples are invalid JSON (trailing commas): a sender
/// with the right token has every body it sent kept, however many fail.
#[sqlx::test(migrations = "migrations/sqlite")]
async fn every_bad_body_from_an_authenticated_sender_is_kept(pool: SqlitePool) {
    let app = app_with(pool, |c| {
        c.webhook.auth = None;
        c.webhook.token = Some(Secret(TOKEN.into()));
    })
    .await;
    for n in 0..100 {
        let mut request = Request::post(format!("/webhooks/infer?token={TOKEN}"))
            .header("content-type", "application/json")
            .body(Body::from(format!(
                r#"{{"type":"end-call","call_id":"c{n}",}}"#
            )))
            .unwrap();
        let addr: SocketAddr = SocketAddr::new("198.51.100.9".parse().unwrap(), 40000);
        request.extensions_mut().insert(ConnectInfo(addr));
        assert_eq!(send(&app, request).await.0, StatusCode::BAD_REQUEST);
    }
    let kept = log(&app)
        .await
        .iter()
        .filter(|d| {
            d.outcome == DeliveryOutcome::Rejected && d.http_status == 400 && d.body_len > 0
        })
        .count();
    assert_eq!(kept, 100);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_flood_of_refusals_is_counted_not_stored(pool: SqlitePool) {
    use calltrail::server::app::ingest::spawn_flush;

    let app = app_with(pool, |c| {
        c.webhook.auth = None;
        c.webhook.token = Some(Secret(TOKEN.into()));
    })
    .await;
    for _ in 0..100 {
        // The sender's answer does not change.
        assert_eq!(
            send(&app, refused_from("198.51.100.9")).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    // Another address, and another /64, have their own allowance.
    for peer in ["198.51.100.10", "2001:db8:0:1::1", "2001:db8:0:2::1"] {
        assert_eq!(
            send(&app, refused_from(peer)).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let rows = |addr: &'static str| {
        let app = &app;
        async move {
            log(app)
                .await
                .iter()
                .filter(|d| d.remote_addr.as_deref() == Some(addr))
                .count()
        }
    };
    assert_eq!(rows("198.51.100.9").await, 60);
    assert_eq!(rows("198.51.100.10").await, 1);
    assert_eq!(rows("2001:db8:0:2::1").await, 1);

    // Stopping the periodic flush writes what is still counted.
    spawn_flush(app.state.refusals.clone(), app.state.store.clone())
        .finish()
        .await;
    let summaries: Vec<Delivery> = log(&app)
        .await
        .into_iter()
        .filter(|d| {
            d.error.as_deref() == Some("rate limited") && d.outcome == DeliveryOutcome::Rejected
        })
        .collect();
    assert_eq!(summaries.len(), 1, "{summaries:?}");
    let summary = &summaries[0];
    let detail = summary.detail.clone().unwrap_or_default();
    assert_eq!(
        (summary.remote_addr.as_deref(), summary.http_status),
        (Some("198.51.100.9"), 401)
    );
    assert!(
        detail.starts_with("40 more refused deliveries from 198.51.100.9 between ")
            && detail.ends_with("were counted, not stored"),
        "{detail}"
    );
    assert_eq!(summary.body_len, 0);
    assert_eq!(app.state.refusals.tracked(), 0);
    assert_eq!(events_stored(&app).await, 0);
}
