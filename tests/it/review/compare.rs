//! Two calls side by side: the same call told twice, once with another
//! tool result and one more turn, shows exactly those two differences.

use axum::http::StatusCode;
use serde_json::{json, Value};
use sqlx::SqlitePool;

use super::fixture_call;
use crate::common::{app, call_sequence, deliver, page_as};

#[sqlx::test(migrations = "migrations/sqlite")]
async fn two_calls_differ_in_a_tool_result_and_one_turn(pool: SqlitePool) {
    let app = app(pool).await;
    fixture_call(&app, "before").await;
    for line in call_sequence() {
        let mut event: Value = serde_json::from_str(&line).unwrap();
        event["call_id"] = json!("after");
        if event["metadata"]["functionName"] == "findAppointment" {
            event["metadata"]["response"]["when"] = json!("2026-03-18T10:00:00");
        }
        deliver(&app, event).await;
    }
    let extra = json!({"type": "conversation-update", "call_id": "after",
        "timestamp": "2026-03-14T16:02:40.000Z",
        "metadata": {"role": "assistant", "message": "Is there anything else I can help you with today?"}});
    deliver(&app, extra).await;
    let (status, page) = page_as(&app, Some(&app.cookie), "/compare?a=before&b=after").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("2 differences"),
        "{}",
        &page[page.find("differences").unwrap_or(0).saturating_sub(80)..][..200]
    );
    let marked: Vec<&str> = page
        .match_indices("data-diff=\"")
        .map(|(at, m)| {
            let rest = &page[at + m.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .filter(|d| *d != "same")
        .collect();
    assert_eq!(marked, ["only-b", "result"]);
    assert!(page.contains("Is there anything else I can help you with today?"));
    assert!(
        page.contains("2026-03-18T10:00:00"),
        "the other result is shown"
    );
    let (_, same) = page_as(&app, Some(&app.cookie), "/compare?a=before&b=before").await;
    assert!(same.contains("No differences"));
    let (_, missing) = page_as(&app, Some(&app.cookie), "/compare?a=before&b=nope").await;
    assert!(missing.contains("Compare needs two calls that exist"));
    let ticked = axum::http::Request::get("/compare/ticked?c=before&c=after")
        .header("cookie", &app.cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, headers, _) = crate::common::exchange(&app, ticked).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Both started at once: A is the one whose id sorts first.
    assert_eq!(headers["location"], "/compare?a=after&b=before");
    let one = axum::http::Request::get("/compare/ticked?c=before")
        .header("cookie", &app.cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let (_, headers, _) = crate::common::exchange(&app, one).await;
    assert_eq!(headers["location"], "/?error=tick-two");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn two_searches_are_summed_up_side_by_side(pool: SqlitePool) {
    let app = app(pool).await;
    fixture_call(&app, "plain").await;
    fixture_call(&app, "flagged").await;
    let form = "call_id=flagged&reason=tool_failed&score=2&reviewed=1";
    super::post(&app, &app.cookie, "/review/verdict", form).await;
    let uri = "/compare?qa=-flag%3Atool_failed&qb=flag%3Atool_failed";
    let (status, page) = page_as(&app, Some(&app.cookie), uri).await;
    assert_eq!(status, StatusCode::OK);
    let marked: Vec<&str> = page
        .match_indices("data-diff=\"figure\"")
        .map(|(at, _)| {
            let rest = &page[at..];
            let rest = &rest[rest.find("<th>").unwrap() + 4..];
            &rest[..rest.find('<').unwrap()]
        })
        .collect();
    assert_eq!(
        marked,
        ["Reviewed", "Mean score", "Flagged tool_failed"],
        "{}",
        &page[page.find("<table").unwrap_or(0)..][..900]
    );
    assert!(page.contains("3 of 10 figures differ"));
    let (_, bad) = page_as(&app, Some(&app.cookie), "/compare?qa=has%3Aeverything&qb=").await;
    assert!(
        bad.contains("unknown `has:everything`"),
        "the query's error is said"
    );
}
