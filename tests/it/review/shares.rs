//! Shared links: one call, read-only, without a session; nothing else
//! reachable; revoked and expired links stop working; views are audited.

use axum::http::StatusCode;
use sqlx::SqlitePool;

use super::{fixture_call, member, post};
use crate::common::{app, deliver, fixture, page_as, TestApp};
use calltrail::model::AccountRole;
use calltrail::server::store::audit::AuditFilter;
use calltrail::server::store::prelude::*;

/// Makes a link to `call` as the admin; its path, read once from the page.
async fn share(app: &TestApp, call: &str, form: &str) -> String {
    let (_, to) = post(
        app,
        &app.cookie,
        "/review/shares",
        &format!("call_id={call}&{form}"),
    )
    .await;
    assert_eq!(to, format!("/calls/{call}?notice=share-made#review"));
    let (_, page) = page_as(app, Some(&app.cookie), &format!("/calls/{call}")).await;
    let at = page
        .find("data-testid=\"new-share\"")
        .expect("the new link is shown");
    let input = &page[page[..at].rfind("<input").unwrap()..];
    let value = &input[input.find("value=\"").unwrap() + 7..];
    let link = &value[..value.find('"').unwrap()];
    let path = link[link.find("/share/").expect("a share path")..].to_string();
    let (_, again) = page_as(app, Some(&app.cookie), &format!("/calls/{call}")).await;
    assert!(!again.contains(&path), "a link is shown only once");
    path
}

async fn views(app: &TestApp) -> Vec<String> {
    let filter = AuditFilter {
        action: Some("share.view".into()),
        ..Default::default()
    };
    let rows = app.state.store.audit_entries(&filter, 0, 50).await.unwrap();
    rows.into_iter()
        .map(|r| format!("{} {}", r.actor, r.target))
        .collect()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_shared_link_opens_one_call_and_nothing_else(pool: SqlitePool) {
    let app = app(pool).await;
    fixture_call(&app, "c1").await;
    fixture_call(&app, "other").await;
    post(
        &app,
        &app.cookie,
        "/review/notes",
        "call_id=c1&body=Check+the+slot+lookup",
    )
    .await;
    let path = share(&app, "c1", "expires=1d&redacted=1").await;
    let (status, page) = page_as(&app, None, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Call c1"), "the call");
    assert!(page.contains("listOpenSlots"), "its timeline");
    assert!(page.contains("Check the slot lookup"), "its notes");
    assert!(
        page.contains("a reviewer"),
        "signed by nobody in particular"
    );
    assert!(
        !page.contains("\"author\":\"admin\""),
        "no account name, not even in the page's data"
    );
    assert!(!page.contains("example.com/rec"), "no recording");
    assert!(
        page.contains("callers&#x27; data redacted") || page.contains("callers' data redacted"),
        "redacted by default"
    );
    assert!(!page.contains("data-testid=\"username\""), "no account");
    let secret = path.trim_start_matches("/share/");
    let elsewhere = [
        "/".to_string(),
        "/calls/c1".to_string(),
        "/calls/other".to_string(),
        "/review".to_string(),
        "/export?format=csv".to_string(),
        format!("{path}/"),
        format!("{path}/x"),
        format!("/share/{secret}/../../calls/other"),
        format!("/SHARE/{secret}"),
        format!("/share//{secret}"),
        format!("/%73hare/{secret}"),
    ];
    for uri in elsewhere {
        let request = axum::http::Request::get(&uri)
            .header("accept", "text/html")
            .body(axum::body::Body::empty())
            .unwrap();
        let (status, headers, _) = crate::common::exchange(&app, request).await;
        let to = headers
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        assert_eq!(status, StatusCode::SEE_OTHER, "{uri}");
        assert!(
            to.unwrap_or_default().starts_with("/login"),
            "{uri} leads to sign-in"
        );
    }
    assert_eq!(views(&app).await.len(), 1, "one view, audited");
    assert!(views(&app).await[0].ends_with(" c1"));
    // Revoked: it stops working.
    let link = app.state.store.shares_of("c1").await.unwrap()[0].id;
    let (_, to) = post(
        &app,
        &app.cookie,
        &format!("/review/shares/{link}/revoke"),
        "call_id=c1",
    )
    .await;
    assert!(to.contains("notice=share-revoked"), "{to}");
    let (status, page) = page_as(&app, None, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("listOpenSlots"));
    assert_eq!(views(&app).await.len(), 1, "a refused view opens nothing");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn an_expired_link_stops_working(pool: SqlitePool) {
    let app = app(pool.clone()).await;
    fixture_call(&app, "c1").await;
    let path = share(&app, "c1", "expires=1h&redacted=1").await;
    let (status, _) = page_as(&app, None, &path).await;
    assert_eq!(status, StatusCode::OK);
    // An hour later.
    let sql = "UPDATE share_links SET expires_at = expires_at - 3600001";
    match &app.pg_url {
        Some(url) => {
            let pg = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query(sql).execute(&pg).await.unwrap();
        }
        None => {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
    }
    let (status, page) = page_as(&app, None, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("does not open a call"));
    assert_eq!(
        page_as(&app, None, "/share/not-a-link").await.0,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn only_editors_share_and_an_unredacted_link_shows_raw_text(pool: SqlitePool) {
    let app = app(pool).await;
    fixture_call(&app, "c1").await;
    let vera = member(&app, "vera", AccountRole::Viewer).await;
    let (status, _) = post(&app, &vera, "/review/shares", "call_id=c1&expires=1d").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, page) = page_as(&app, Some(&vera), "/calls/c1").await;
    assert!(
        !page.contains("Make a shared link"),
        "no dead button for a viewer"
    );
    let (_, to) = post(&app, &app.cookie, "/review/shares", "call_id=c1&expires=2y").await;
    assert!(to.contains("error=share-lifetime-invalid"), "{to}");
    let mut report: serde_json::Value =
        serde_json::from_str(&fixture("end-of-call-report.json")).unwrap();
    report["call_id"] = "c1".into();
    deliver(&app, report).await;
    let path = share(&app, "c1", "expires=30d").await;
    let (_, page) = page_as(&app, None, &path).await;
    assert!(
        !page.contains("example.com/rec"),
        "no recording, unredacted or not"
    );
    assert!(page.contains("A shared call: read-only."), "not redacted");
}
