//! A team at work: an admin invites a colleague by a one-time link, changes
//! roles, disables and resets accounts, and every step is in the audit log.

use axum::http::StatusCode;
use sqlx::SqlitePool;

use crate::common::{app, page_as, submit_as, TestApp, ADMIN};
use calltrail::server::app::accounts::link_hash;
use calltrail::server::store::audit::AuditFilter;
use calltrail::server::store::invitations::LinkFor;
use calltrail::server::store::now_ms;
use calltrail::server::store::prelude::*;

const PASSWORD: &str = "a long enough password";

/// Runs `sql` on the app's own database (SQLite, or PostgreSQL when the
/// tests run there): the text of each row's first column, or the refusal.
async fn refused_or_rows(
    app: &TestApp,
    pool: &SqlitePool,
    sql: &str,
) -> Result<Vec<String>, String> {
    match &app.pg_url {
        Some(url) => {
            let pg = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query_scalar(sql)
                .fetch_all(&pg)
                .await
                .map_err(|e| e.to_string())
        }
        None => sqlx::query_scalar(sql)
            .fetch_all(pool)
            .await
            .map_err(|e| e.to_string()),
    }
}

/// The link the users page shows once, after one was made.
async fn shown_link(app: &TestApp) -> String {
    let (status, page) = page_as(app, Some(&app.cookie), "/settings/users").await;
    assert_eq!(status, StatusCode::OK);
    let at = page
        .find("data-testid=\"new-link\"")
        .expect("the new link is shown");
    let value = &page[page[..at].rfind("<input").unwrap()..];
    let value = &value[value.find("value=\"").unwrap() + 7..];
    let link = &value[..value.find('"').unwrap()];
    let path = link[link.find("/invite/").expect("an invite path")..].to_string();
    let (_, again) = page_as(app, Some(&app.cookie), "/settings/users").await;
    assert!(!again.contains(&path), "a link is shown only once");
    path
}

async fn invite(app: &TestApp, role: &str) -> String {
    let (status, to, _) = submit_as(
        app,
        Some(&app.cookie),
        "/settings/users/invite",
        &format!("role={role}"),
    )
    .await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/settings/users?notice=link-made")
    );
    shown_link(app).await
}

async fn join(app: &TestApp, link: &str, name: &str) -> String {
    let form = format!("username={name}&password={PASSWORD}&confirm={PASSWORD}").replace(' ', "+");
    let (status, to, cookie) = submit_as(app, None, link, &form).await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/"),
        "joining through {link}"
    );
    cookie.expect("signed in")
}

async fn user_id(app: &TestApp, name: &str) -> i64 {
    app.state
        .store
        .user_by_name(name)
        .await
        .unwrap()
        .unwrap()
        .id
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn an_invited_viewer_joins_reads_and_changes_nothing(pool: SqlitePool) {
    let app = app(pool.clone()).await;
    let link = invite(&app, "viewer").await;
    // Only the hash is stored.
    let secret = link.trim_start_matches("/invite/");
    assert_eq!(
        refused_or_rows(&app, &pool, "SELECT token_hash FROM invitations").await,
        Ok(vec![link_hash(secret)])
    );

    let (status, page) = page_as(&app, None, &link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Join calltrail as viewer"), "{page:.400}");
    let viewer = join(&app, &link, "vera").await;
    let (status, _) = page_as(&app, Some(&viewer), "/").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = submit_as(&app, Some(&viewer), "/alerts/rules", "name=x").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The link worked once.
    let form = format!("username=eve&password={PASSWORD}&confirm={PASSWORD}").replace(' ', "+");
    let (_, to, cookie) = submit_as(&app, None, &link, &form).await;
    assert_eq!(to, format!("{link}?error=expired"));
    assert!(cookie.is_none());
    let (_, page) = page_as(&app, None, &link).await;
    assert!(page.contains("This link does not work"));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn an_expired_or_unknown_link_does_nothing(pool: SqlitePool) {
    let app = app(pool).await;
    let store = &app.state.store;
    store
        .create_link(
            &link_hash("old-secret"),
            LinkFor::Invite(calltrail::model::AccountRole::Admin),
            None,
            now_ms() - 1,
        )
        .await
        .unwrap();
    for link in ["/invite/old-secret", "/invite/never-made"] {
        let form =
            format!("username=mallory&password={PASSWORD}&confirm={PASSWORD}").replace(' ', "+");
        let (_, to, cookie) = submit_as(&app, None, link, &form).await;
        assert_eq!(to, format!("{link}?error=expired"));
        assert!(cookie.is_none());
    }
    assert!(store.user_by_name("mallory").await.unwrap().is_none());
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn roles_change_accounts_disable_and_the_last_admin_stays(pool: SqlitePool) {
    let app = app(pool).await;
    let link = invite(&app, "editor").await;
    let ed = join(&app, &link, "ed").await;
    let ed_id = user_id(&app, "ed").await;
    let admin_id = user_id(&app, ADMIN).await;

    // The last enabled admin can be neither demoted nor disabled.
    for (uri, form) in [
        (format!("/settings/users/{admin_id}/role"), "role=viewer"),
        (format!("/settings/users/{admin_id}/disable"), ""),
    ] {
        let (_, to, _) = submit_as(&app, Some(&app.cookie), &uri, form).await;
        assert_eq!(to, "/settings/users?error=last-admin", "{uri}");
    }
    // An editor may add a rule; once a viewer, no longer.
    let (status, _, _) = submit_as(
        &app,
        Some(&ed),
        "/alerts/rules",
        "name=slow&event=tool-call",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, to, _) = submit_as(
        &app,
        Some(&app.cookie),
        &format!("/settings/users/{ed_id}/role"),
        "role=viewer",
    )
    .await;
    assert_eq!(to, "/settings/users?notice=role-changed");
    let (status, _, _) = submit_as(&app, Some(&ed), "/alerts/rules", "name=slow2").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, to, _) = submit_as(
        &app,
        Some(&app.cookie),
        &format!("/settings/users/{ed_id}/role"),
        "role=owner",
    )
    .await;
    assert_eq!(to, "/settings/users?error=no-such-role");

    // Disabled: the session ends, and signing in again is refused.
    let (_, to, _) = submit_as(
        &app,
        Some(&app.cookie),
        &format!("/settings/users/{ed_id}/disable"),
        "",
    )
    .await;
    assert_eq!(to, "/settings/users?notice=user-disabled");
    let (status, _) = page_as(&app, Some(&ed), "/").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let form = format!("username=ed&password={PASSWORD}").replace(' ', "+");
    let (_, to, _) = submit_as(&app, None, "/login", &form).await;
    assert!(to.starts_with("/login?error=disabled"), "{to}");
    // Enabled again, and a reset link sets a new password.
    submit_as(
        &app,
        Some(&app.cookie),
        &format!("/settings/users/{ed_id}/enable"),
        "",
    )
    .await;
    let (_, to, _) = submit_as(
        &app,
        Some(&app.cookie),
        &format!("/settings/users/{ed_id}/reset"),
        "",
    )
    .await;
    assert_eq!(to, "/settings/users?notice=link-made");
    let reset = shown_link(&app).await;
    let (_, page) = page_as(&app, None, &reset).await;
    assert!(page.contains("A new password for ed"), "{page:.300}");
    let form = "password=another+long+password&confirm=another+long+password";
    let (_, to, cookie) = submit_as(&app, None, &reset, form).await;
    assert_eq!(to, "/");
    assert!(cookie.is_some());
    assert!(
        crate::common::sign_in(&app.router, "ed", "another long password")
            .await
            .is_some()
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_audit_log_names_who_did_what_to_what(pool: SqlitePool) {
    let app = app(pool.clone()).await;
    let me = Some(app.cookie.as_str());
    let link = invite(&app, "viewer").await;
    join(&app, &link, "vic").await;
    let vic = user_id(&app, "vic").await;
    submit_as(
        &app,
        me,
        &format!("/settings/users/{vic}/role"),
        "role=restricted",
    )
    .await;
    submit_as(&app, me, &format!("/settings/users/{vic}/disable"), "").await;
    submit_as(&app, me, &format!("/settings/users/{vic}/enable"), "").await;
    submit_as(&app, None, "/login", "username=vic&password=wrong-password").await;
    submit_as(
        &app,
        me,
        "/alerts/rules",
        "name=slow-tools&event=tool-call&enabled=on",
    )
    .await;
    let rule = app
        .state
        .store
        .rules()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.name == "slow-tools")
        .unwrap();
    submit_as(
        &app,
        me,
        &format!("/alerts/rules/{}", rule.id),
        "cooldown_secs=120",
    )
    .await;
    submit_as(&app, me, &format!("/alerts/rules/{}/delete", rule.id), "").await;
    submit_as(
        &app,
        me,
        "/automations/channels",
        "name=ops&kind=webhook&url=https://hooks.example.com/x",
    )
    .await;
    let (status, _) = page_as(&app, me, "/export?q=&format=csv").await;
    assert_eq!(status, StatusCode::OK);
    crate::common::deliver(
        &app,
        serde_json::json!({"type": "conversation-update", "call_id": "pii-call",
            "timestamp": "2025-04-12T14:32:00Z",
            "metadata": {"role": "user", "message": "call me on 415-555-0123", "secondsFromStart": 1}}),
    )
    .await;
    let (status, page) = page_as(&app, me, "/calls/pii-call").await;
    assert!(status == StatusCode::OK && page.contains("415-555-0123"));
    let (status, _) = page_as(&app, me, "/events/1/body").await;
    assert_eq!(status, StatusCode::OK);
    let (status, csv) = page_as(&app, me, "/settings/audit/export?action=user.").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csv.starts_with("at,actor,address,action,target,summary\r\n"),
        "{csv:.200}"
    );
    assert!(
        csv.contains("user.role") && !csv.contains("rule.delete"),
        "{csv}"
    );

    let entries = app
        .state
        .store
        .audit_entries(&AuditFilter::default(), 0, 100)
        .await
        .unwrap();
    let has = |action: &str, actor: &str, target: &str, summary: &str| {
        assert!(
            entries.iter().any(|e| e.action == action
                && e.actor == actor
                && e.target == target
                && e.summary.contains(summary)),
            "no {action} by {actor} on {target} saying {summary:?} in {entries:#?}"
        );
    };
    has(
        "user.invite",
        ADMIN,
        "viewer",
        "invited a new viewer account",
    );
    has("user.join", "vic", "vic", "as viewer");
    has("user.role", ADMIN, "vic", "viewer → restricted");
    has("user.disable", ADMIN, "vic", "enabled → disabled");
    has("user.enable", ADMIN, "vic", "disabled → enabled");
    has("auth.sign-in", ADMIN, ADMIN, "with a password");
    has(
        "auth.sign-in-failed",
        "vic",
        "vic",
        "wrong username or password",
    );
    has("rule.create", ADMIN, "slow-tools", "added: enabled");
    has(
        "rule.update",
        ADMIN,
        "slow-tools",
        "→ disabled, cool-down 120 s",
    );
    has("rule.delete", ADMIN, "slow-tools", "deleted");
    has("channel.save", ADMIN, "ops", "webhook to hooks.example.com");
    has("export.calls", ADMIN, "", "calls as CSV");
    has("audit.export", ADMIN, "audit log", "\"user.\"");
    has(
        "call.view-unredacted",
        ADMIN,
        "pii-call",
        "1 values a restricted viewer gets redacted",
    );
    has("raw.view", ADMIN, "event 1", "raw body");
    // Append-only: the database refuses to change or delete an entry.
    for sql in ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"] {
        assert!(refused_or_rows(&app, &pool, sql).await.is_err(), "{sql}");
    }
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn an_admin_deletes_a_call_and_sets_retention_per_source(pool: SqlitePool) {
    let app = app(pool.clone()).await;
    let me = Some(app.cookie.as_str());
    crate::common::deliver(
        &app,
        serde_json::json!({"type": "conversation-update", "call_id": "gone-call",
            "timestamp": "2025-04-12T14:32:00Z",
            "metadata": {"role": "user", "message": "please forget zanzibar", "secondsFromStart": 1}}),
    )
    .await;
    let (_, found) = page_as(&app, me, "/?q=zanzibar").await;
    assert!(found.contains("gone-call"));
    // Not for an editor.
    let link = invite(&app, "editor").await;
    let editor = join(&app, &link, "eddie").await;
    let (status, _, _) = submit_as(
        &app,
        Some(&editor),
        "/settings/delete-call",
        "call_id=gone-call",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (_, to, _) = submit_as(&app, me, "/settings/delete-call", "call_id=gone-call").await;
    assert_eq!(to, "/?notice=call-deleted");
    assert!(app.state.store.call("gone-call").await.unwrap().is_none());
    for table in ["events", "deliveries", "alerts", "outbox"] {
        let sql = format!("SELECT call_id FROM {table} WHERE call_id = 'gone-call'");
        assert_eq!(
            refused_or_rows(&app, &pool, &sql).await,
            Ok(vec![]),
            "{table}"
        );
    }
    // Nor is it found by its words any more.
    let (_, found) = page_as(&app, me, "/?q=zanzibar").await;
    assert!(!found.contains("gone-call"));
    let (_, to, _) = submit_as(&app, me, "/settings/delete-call", "call_id=gone-call").await;
    assert_eq!(to, "/settings?error=no-such-call");

    let (_, to, _) = submit_as(&app, me, "/settings/retention", "days_vapi=7&days_infer=").await;
    assert_eq!(to, "/settings?notice=retention-saved");
    assert_eq!(
        app.state.store.source_retention().await.unwrap(),
        vec![("vapi".to_string(), 7)]
    );
    let (_, to, _) = submit_as(&app, me, "/settings/retention", "days_vapi=0").await;
    assert_eq!(to, "/settings?error=days-invalid");

    let entries = app
        .state
        .store
        .audit_entries(&AuditFilter::default(), 0, 50)
        .await
        .unwrap();
    let has = |action: &str, target: &str, summary: &str| {
        assert!(
            entries.iter().any(|e| e.action == action
                && e.actor == ADMIN
                && e.target == target
                && e.summary.contains(summary)),
            "no {action} on {target} saying {summary:?} in {entries:#?}"
        );
    };
    has("call.delete", "gone-call", "1 events, 1 deliveries");
    has(
        "settings.retention",
        "retention per source",
        "every source the installation's → vapi 7 days",
    );
}
