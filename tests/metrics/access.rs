//! Who may scrape: this machine without a session, others with the token.

use axum::http::StatusCode;
use calltrail::server::config::Secret;
use sqlx::SqlitePool;

use crate::common::{bare_app, exchange, send};
use crate::{scrape_from, SERIAL, TOKEN};

#[sqlx::test(migrations = "migrations/sqlite")]
async fn local_clients_scrape_without_a_session(pool: SqlitePool) {
    let _serial = SERIAL.lock().await;
    let app = bare_app(pool, |_| {}).await;
    for peer in ["127.0.0.1", "::1", "::ffff:127.0.0.1"] {
        let (status, _, text) = exchange(&app, scrape_from(Some(peer), None)).await;
        assert_eq!(status, StatusCode::OK, "{peer}: {text}");
        assert!(
            text.contains("# TYPE calltrail_database_size_bytes gauge"),
            "{text}"
        );
    }
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn others_need_the_metrics_token(pool: SqlitePool) {
    let _serial = SERIAL.lock().await;
    let app = bare_app(pool.clone(), |_| {}).await;
    let bearer = format!("Bearer {TOKEN}");
    for (peer, auth) in [
        (Some("203.0.113.9"), None),
        (Some("203.0.113.9"), Some(bearer.as_str())),
        (None, None),
    ] {
        let (status, body) = send(&app, scrape_from(peer, auth)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{peer:?}");
        assert_eq!(body["error"], "forbidden");
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains("CALLTRAIL_METRICS_TOKEN"), "{detail}");
    }

    let app = bare_app(pool.clone(), |c| {
        c.metrics_token = Some(Secret(TOKEN.into()))
    })
    .await;
    let far = Some("203.0.113.9");
    let wrong = format!("Bearer {TOKEN}-not");
    for auth in [None, Some(wrong.as_str()), Some(TOKEN)] {
        let (status, body) = send(&app, scrape_from(far, auth)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{auth:?}: {body}");
        assert_eq!(body["error"], "unauthenticated");
    }
    let (status, _, text) = exchange(&app, scrape_from(far, Some(&bearer))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains("calltrail_writer_queued_deliveries"),
        "{text}"
    );

    // Behind a trusted proxy, the client it names decides, not the proxy.
    let app = bare_app(pool, |c| {
        c.webhook.trusted_proxies = Some("127.0.0.1".into())
    })
    .await;
    let mut forwarded = scrape_from(Some("127.0.0.1"), None);
    let xff = "203.0.113.9".parse().unwrap();
    forwarded.headers_mut().insert("x-forwarded-for", xff);
    assert_eq!(send(&app, forwarded).await.0, StatusCode::FORBIDDEN);
    let direct = scrape_from(Some("127.0.0.1"), None);
    assert_eq!(send(&app, direct).await.0, StatusCode::OK);
}
