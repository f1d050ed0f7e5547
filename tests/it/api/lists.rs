//! The API's other lists and its writes: the delivery log paged, insights
//! for a query, rules added, changed and deleted (a bad spec refused),
//! destinations added and changed as the automations form checks them.

use axum::http::{Method, StatusCode};
use serde_json::json;
use sqlx::SqlitePool;

use super::{call, get, three_calls, token};
use crate::common::{app, call_sequence};
use calltrail::model::tokens::TokenScope;
use calltrail::model::AccountRole;

#[sqlx::test(migrations = "migrations/sqlite")]
async fn lists_and_writes_of_rules_destinations_deliveries_and_insights(pool: SqlitePool) {
    let app = app(pool).await;
    three_calls(&app).await;
    let editor = token(&app, AccountRole::Editor, TokenScope::ReadWrite).await;

    let (status, _, list) = get(&app, "/api/v1/deliveries?limit=2", &editor).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["deliveries"].as_array().unwrap().len(), 2);
    let cursor = list["next_cursor"].as_str().unwrap();
    let (_, _, next) = get(
        &app,
        &format!("/api/v1/deliveries?limit=2&cursor={cursor}"),
        &editor,
    )
    .await;
    assert!(next["deliveries"][0]["id"].as_i64() < list["deliveries"][1]["id"].as_i64());
    let (_, _, dental) = get(&app, "/api/v1/deliveries?call=dental&limit=500", &editor).await;
    assert_eq!(
        dental["deliveries"].as_array().unwrap().len(),
        call_sequence().len()
    );

    let (status, _, insights) = get(&app, "/api/v1/insights?q=has:tool_error", &editor).await;
    assert_eq!(
        (status, insights["total"].as_i64()),
        (StatusCode::OK, Some(1)),
        "{insights}"
    );

    let rule = json!({"name": "refunds", "spec": {"kind": "match", "value": "refund"}, "cooldown_secs": 60});
    let (status, _, made) = call(
        &app,
        Method::POST,
        "/api/v1/rules",
        Some(&editor),
        Some(rule),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["spec"]["value"], "refund");
    let id = made["id"].as_i64().unwrap();
    let changed = json!({"name": "refunds", "spec": {"kind": "match", "value": "chargeback"}, "enabled": false});
    let (status, _, rule) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/rules/{id}"),
        Some(&editor),
        Some(changed),
    )
    .await;
    assert_eq!(
        (
            status,
            rule["spec"]["value"].as_str(),
            rule["enabled"].as_bool()
        ),
        (StatusCode::OK, Some("chargeback"), Some(false))
    );
    let bad = json!({"name": "x", "spec": {"kind": "match", "valeu": "x"}});
    let (status, _, problem) = call(
        &app,
        Method::POST,
        "/api/v1/rules",
        Some(&editor),
        Some(bad),
    )
    .await;
    assert_eq!(
        (status, problem["title"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad rule")),
        "{problem}"
    );
    // Built-in kinds exist once each; a rule keeps its name and kind.
    let builtin = json!({"name": "loops", "spec": {"kind": "tool-loop", "count": 5}});
    let (status, _, problem) = call(
        &app,
        Method::POST,
        "/api/v1/rules",
        Some(&editor),
        Some(builtin),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    let renamed = json!({"name": "other", "spec": {"kind": "match", "value": "x"}});
    let (status, _, _) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/rules/{id}"),
        Some(&editor),
        Some(renamed),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = call(
        &app,
        Method::DELETE,
        &format!("/api/v1/rules/{id}"),
        Some(&editor),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, _, rules) = get(&app, "/api/v1/rules", &editor).await;
    assert!(rules.as_array().unwrap().iter().all(|r| r["id"] != id));

    let (status, _, destinations) = get(&app, "/api/v1/destinations", &editor).await;
    assert_eq!((status, destinations), (StatusCode::OK, json!([])));
    let missing = call(
        &app,
        Method::POST,
        "/api/v1/destinations/7/pause",
        Some(&editor),
        None,
    )
    .await;
    assert_eq!(missing.0, StatusCode::NOT_FOUND);

    // Destinations are checked as the automations form checks them.
    let crm = json!({"name": "crm", "url": "https://8.8.8.8/hook", "events": ["tool_call"],
        "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "condition": {"op": "contains", "value": "refund"}});
    let (status, _, made) = call(
        &app,
        Method::POST,
        "/api/v1/destinations",
        Some(&editor),
        Some(crm.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(
        (made["signed"].as_bool(), made["events"].clone()),
        (Some(true), json!(["tool_call"]))
    );
    assert!(made.get("secret").is_none(), "never shown");
    let (status, _, problem) = call(
        &app,
        Method::POST,
        "/api/v1/destinations",
        Some(&editor),
        Some(crm),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let private = json!({"name": "inside", "url": "http://127.0.0.1:9/x"});
    let (status, _, problem) = call(
        &app,
        Method::POST,
        "/api/v1/destinations",
        Some(&editor),
        Some(private),
    )
    .await;
    assert_eq!(
        (status, problem["title"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad destination"))
    );
    assert!(
        problem["detail"].as_str().unwrap().contains("private"),
        "{problem}"
    );
    let id = made["id"].as_i64().unwrap();
    let moved = json!({"name": "crm", "url": "https://8.8.4.4/hook"});
    let (status, _, changed) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/destinations/{id}"),
        Some(&editor),
        Some(moved),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (changed["url"].as_str(), changed["signed"].as_bool()),
        (Some("https://8.8.4.4/hook"), Some(true)),
        "the secret is kept"
    );
    let renamed = json!({"name": "erp", "url": "https://8.8.4.4/hook"});
    let (status, _, _) = call(
        &app,
        Method::PUT,
        &format!("/api/v1/destinations/{id}"),
        Some(&editor),
        Some(renamed),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, paused) = call(
        &app,
        Method::POST,
        &format!("/api/v1/destinations/{id}/pause"),
        Some(&editor),
        None,
    )
    .await;
    assert_eq!(
        (status, paused["paused"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    let (status, _, _) = call(
        &app,
        Method::DELETE,
        &format!("/api/v1/destinations/{id}"),
        Some(&editor),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}
