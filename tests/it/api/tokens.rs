//! API tokens: made in the settings form (shown once) or from the shell,
//! refused at once when revoked, expired or their account disabled, held to
//! their scope, their account's role and a rate — and each of those in the
//! audit log.

use axum::http::{Method, StatusCode};
use serde_json::json;
use sqlx::SqlitePool;

use super::{call, get, token};
use crate::common::{app, app_with, deliver, page_as, start_side_effects, submit_as, TestApp};
use calltrail::model::accounts::AuditRow;
use calltrail::model::tokens::TokenScope;
use calltrail::model::AccountRole;
use calltrail::server::app::api_tokens;
use calltrail::server::store::audit::AuditFilter;
use calltrail::server::store::prelude::*;

async fn audit(app: &TestApp, action: &str) -> Vec<AuditRow> {
    let filter = AuditFilter {
        action: Some(action.to_string()),
        ..Default::default()
    };
    app.state
        .store
        .audit_entries(&filter, 0, 100)
        .await
        .unwrap()
}

/// The token the tokens page shows right after it was made.
fn shown_token(page: &str) -> Option<String> {
    let at = page.find("ctk_")?;
    let token: String = page[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    Some(token)
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_token_made_in_the_form_is_shown_once_and_works_until_revoked(pool: SqlitePool) {
    let app = app(pool).await;
    let cookie = app.cookie.clone();
    let (status, location, _) = submit_as(
        &app,
        Some(&cookie),
        "/settings/tokens",
        "name=nightly+report&scope=read&expires=30d",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/settings/tokens?notice=token-made");
    let (_, page) = page_as(&app, Some(&cookie), "/settings/tokens").await;
    let secret = shown_token(&page).expect("the new token is on the page");
    assert!(page.contains("nightly report"), "listed by name");
    let (_, again) = page_as(&app, Some(&cookie), "/settings/tokens").await;
    assert_eq!(shown_token(&again), None, "shown only once");

    let (status, _, list) = get(&app, "/api/v1/calls", &secret).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let listed = app.state.store.tokens(None).await.unwrap();
    assert!(listed[0].last_used_at.is_some(), "its last use is noted");

    let id = listed[0].id;
    let (status, location, _) = submit_as(
        &app,
        Some(&cookie),
        &format!("/settings/tokens/{id}/revoke"),
        "",
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (
            StatusCode::SEE_OTHER,
            "/settings/tokens?notice=token-revoked"
        )
    );
    let (status, headers, problem) = get(&app, "/api/v1/calls", &secret).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "revoked: refused at once");
    assert_eq!(headers["content-type"], "application/problem+json");
    assert_eq!(headers["www-authenticate"], "Bearer realm=\"calltrail\"");
    assert_eq!(problem["title"], "invalid token");
    assert_eq!(problem["status"], 401);
    assert!(
        problem["detail"].as_str().unwrap().contains("revoked"),
        "{problem}"
    );

    assert_eq!(audit(&app, "token.create").await.len(), 1);
    assert_eq!(audit(&app, "token.use").await.len(), 1);
    assert_eq!(audit(&app, "token.revoke").await.len(), 1);
    let refused = audit(&app, "token.refused").await;
    assert_eq!(refused.len(), 1);
    assert!(refused[0].summary.contains("revoked"), "{:?}", refused[0]);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn expired_unknown_missing_and_disabled_tokens_get_401(pool: SqlitePool) {
    let app = app(pool).await;
    let store = &app.state.store;
    let user = store
        .create_user("temp", "x", AccountRole::Viewer)
        .await
        .unwrap()
        .unwrap();
    let expiring = api_tokens::create(store, user.id, "short", TokenScope::Read, Some(1))
        .await
        .unwrap();
    let kept = api_tokens::create(store, user.id, "kept", TokenScope::Read, None)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (status, _, problem) = get(&app, "/api/v1/calls", &expiring).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        problem["detail"].as_str().unwrap().contains("expired"),
        "{problem}"
    );
    let (status, _, problem) = get(&app, "/api/v1/calls", "ctk_not-a-real-token").await;
    assert_eq!(
        (status, problem["title"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid token"))
    );
    let (status, _, problem) = call(&app, Method::GET, "/api/v1/calls", None, None).await;
    assert_eq!(
        (status, problem["title"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("missing token"))
    );

    assert_eq!(get(&app, "/api/v1/calls", &kept).await.0, StatusCode::OK);
    store.set_disabled(user.id, true).await.unwrap();
    let (status, _, problem) = get(&app, "/api/v1/calls", &kept).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a disabled account's token stops"
    );
    assert!(
        problem["detail"].as_str().unwrap().contains("disabled"),
        "{problem}"
    );

    let refused: Vec<String> = audit(&app, "token.refused")
        .await
        .into_iter()
        .map(|r| r.summary)
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused.iter().any(|s| s.contains("expired")), "{refused:?}");
    assert!(
        refused.iter().any(|s| s.contains("disabled")),
        "{refused:?}"
    );
}

/// An alert to act on: the fixture call's tool error opens one.
pub async fn an_alert(app: &TestApp) -> i64 {
    for line in crate::common::call_sequence() {
        deliver(app, serde_json::from_str(&line).unwrap()).await;
    }
    start_side_effects(app);
    for _ in 0..200 {
        if let Some(alert) = app
            .state
            .store
            .alerts(None, None, None, 0, 1)
            .await
            .unwrap()
            .first()
        {
            return alert.id;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no alert opened");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn writes_need_a_read_write_token_of_an_account_that_may_edit(pool: SqlitePool) {
    let app = app(pool).await;
    let id = an_alert(&app).await;
    let uri = format!("/api/v1/alerts/{id}/acknowledge");
    let read = token(&app, AccountRole::Admin, TokenScope::Read).await;
    let (status, _, problem) = call(&app, Method::POST, &uri, Some(&read), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("read+write"),
        "{problem}"
    );
    let viewer = token(&app, AccountRole::Viewer, TokenScope::ReadWrite).await;
    let (status, _, problem) = call(&app, Method::POST, &uri, Some(&viewer), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("viewer"),
        "{problem}"
    );

    let editor = token(&app, AccountRole::Editor, TokenScope::ReadWrite).await;
    let (status, _, alert) = call(&app, Method::POST, &uri, Some(&editor), None).await;
    assert_eq!(
        (status, alert["state"].as_str()),
        (StatusCode::OK, Some("acknowledged")),
        "{alert}"
    );
    let (status, _, alert) = call(
        &app,
        Method::POST,
        &format!("/api/v1/alerts/{id}/resolve"),
        Some(&editor),
        None,
    )
    .await;
    assert_eq!(
        (status, alert["state"].as_str()),
        (StatusCode::OK, Some("resolved"))
    );
    let missing = call(
        &app,
        Method::POST,
        "/api/v1/alerts/999999/resolve",
        Some(&editor),
        None,
    )
    .await;
    assert_eq!(missing.0, StatusCode::NOT_FOUND);

    let forbidden = audit(&app, "token.forbidden").await;
    assert_eq!(forbidden.len(), 2, "{forbidden:?}");
    assert!(
        forbidden.iter().all(|r| r.target == format!("POST {uri}")),
        "{forbidden:?}"
    );
    assert_eq!(audit(&app, "alert.acknowledge").await.len(), 1);
    assert_eq!(audit(&app, "alert.resolve").await.len(), 1);

    // A token follows its account's role as it is now.
    let user = app
        .state
        .store
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.role == AccountRole::Editor)
        .unwrap();
    app.state
        .store
        .set_role(user.id, AccountRole::Viewer)
        .await
        .unwrap();
    let (status, _, _) = call(&app, Method::POST, &uri, Some(&editor), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "demoted: its token is too");
    // … and never above the role it was made with.
    app.state
        .store
        .set_role(user.id, AccountRole::Admin)
        .await
        .unwrap();
    let (status, _, _) = call(&app, Method::POST, &uri, Some(&editor), None).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "back to editor: the token edits again"
    );
    let viewer_user = app
        .state
        .store
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.role == AccountRole::Viewer)
        .unwrap();
    app.state
        .store
        .set_role(viewer_user.id, AccountRole::Admin)
        .await
        .unwrap();
    let (status, _, _) = call(&app, Method::POST, &uri, Some(&viewer), None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "promoted: a viewer's old token still only reads"
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn each_token_is_held_to_its_rate(pool: SqlitePool) {
    let app = app_with(pool, |config| config.api_rate_per_minute = 20).await;
    let first = token(&app, AccountRole::Viewer, TokenScope::Read).await;
    let second = token(&app, AccountRole::Viewer, TokenScope::Read).await;
    // 20 a minute come in bursts of 2.
    assert_eq!(get(&app, "/api/v1/rules", &first).await.0, StatusCode::OK);
    assert_eq!(get(&app, "/api/v1/rules", &first).await.0, StatusCode::OK);
    let (status, headers, problem) = get(&app, "/api/v1/rules", &first).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{problem}");
    let wait: u32 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=4).contains(&wait), "{wait}");
    assert_eq!(problem["retry_after"], json!(wait));
    assert_eq!(
        get(&app, "/api/v1/rules", &second).await.0,
        StatusCode::OK,
        "each token has its own"
    );
}
