//! Reading calls through `/api/v1`: the query bar's language and results,
//! cursors that neither skip nor repeat, a call's timeline page by page,
//! events and their bodies, `ETag`s, problems for bad requests, and
//! redaction for restricted viewers' tokens.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::Value;
use sqlx::SqlitePool;
use tower::ServiceExt;

use super::{call_ids, get, three_calls, token};
use crate::common::events::said;
use crate::common::{app, deliver, TestApp};
use calltrail::model::tokens::TokenScope;
use calltrail::model::AccountRole;
use calltrail::server::http::page_data;
use calltrail::server::store::prelude::*;

/// What the calls list's search bar shows for `q`.
async fn query_bar(app: &TestApp, q: &str) -> Vec<String> {
    let page = page_data::calls_page(
        &app.state.store,
        1,
        (Some(q.to_string()), None),
        app.state.webhook_auth.connect_info(""),
        app.state.stale_after_ms(),
        None,
    )
    .await
    .unwrap();
    let mut ids: Vec<String> = match page.search {
        Some(search) => search.hits.into_iter().map(|h| h.call.call_id).collect(),
        None => page
            .live
            .iter()
            .chain(&page.past)
            .map(|c| c.call_id.clone())
            .collect(),
    };
    ids.sort();
    ids
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_api_finds_what_the_query_bar_shows(pool: SqlitePool) {
    let app = app(pool).await;
    three_calls(&app).await;
    let token = token(&app, AccountRole::Viewer, TokenScope::Read).await;
    for q in [
        "has:tool_error",
        "refund",
        "-has:tool_error",
        "status:live",
        "",
        "tool:bookAppointment",
    ] {
        let uri = format!("/api/v1/calls?q={}", urlencode(q));
        let (status, _, list) = get(&app, &uri, &token).await;
        assert_eq!(status, StatusCode::OK, "{q}: {list}");
        let mut ids = call_ids(&list);
        ids.sort();
        assert_eq!(ids, query_bar(&app, q).await, "{q}");
    }
    let (_, _, list) = get(&app, "/api/v1/calls?q=has:tool_error", &token).await;
    assert_eq!(call_ids(&list), ["dental"]);
    assert_eq!(list["calls"][0]["n_tool_errors"], 1);
    assert_eq!(list["next_cursor"], Value::Null);
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn cursors_neither_skip_nor_repeat(pool: SqlitePool) {
    let app = app(pool).await;
    for i in 0..7 {
        let event = said(&format!("call-{i}"), "user", "hello")
            .time(1_700_000_000_000 + i * 60_000)
            .json();
        deliver(&app, event).await;
    }
    let token = token(&app, AccountRole::Viewer, TokenScope::Read).await;
    let mut seen = Vec::new();
    let mut uri = "/api/v1/calls?limit=3".to_string();
    for page in 0.. {
        let (status, _, list) = get(&app, &uri, &token).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        seen.extend(call_ids(&list));
        if page == 0 {
            // A call arriving meanwhile does not shift the pages that follow.
            let late = said("call-late", "user", "hi")
                .time(1_800_000_000_000)
                .json();
            deliver(&app, late).await;
        }
        match list["next_cursor"].as_str() {
            Some(cursor) => uri = format!("/api/v1/calls?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    let want: Vec<String> = (0..7).rev().map(|i| format!("call-{i}")).collect();
    assert_eq!(seen, want);

    // Sorted by a column, pages keep their order too.
    let (_, _, first) = get(&app, "/api/v1/calls?sort=duration.asc&limit=4", &token).await;
    let cursor = first["next_cursor"]
        .as_str()
        .expect("more follow")
        .to_string();
    let (_, _, second) = get(
        &app,
        &format!("/api/v1/calls?sort=duration.asc&limit=4&cursor={cursor}"),
        &token,
    )
    .await;
    let mut all = call_ids(&first);
    all.extend(call_ids(&second));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 8, "{all:?}");
    // A cursor belongs to its order.
    let (status, _, problem) = get(
        &app,
        &format!("/api/v1/calls?limit=4&cursor={cursor}"),
        &token,
    )
    .await;
    assert_eq!(
        (status, problem["title"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad cursor"))
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn bad_requests_are_problem_documents(pool: SqlitePool) {
    let app = app(pool).await;
    let token = token(&app, AccountRole::Viewer, TokenScope::Read).await;
    for (uri, title) in [
        ("/api/v1/calls?q=status:bogus", "bad query"),
        ("/api/v1/calls?since=yesterday", "bad query"),
        ("/api/v1/calls?sort=loudness", "bad sort"),
        ("/api/v1/calls?cursor=garbage", "bad cursor"),
        ("/api/v1/calls/nope", "not found"),
        ("/api/v1/events/424242", "not found"),
    ] {
        let (status, headers, problem) = get(&app, uri, &token).await;
        assert!(status.is_client_error(), "{uri}: {status}");
        assert_eq!(headers["content-type"], "application/problem+json", "{uri}");
        assert_eq!(problem["title"], title, "{uri}: {problem}");
        assert_eq!(problem["status"], status.as_u16(), "{uri}");
        assert_eq!(problem["type"], "about:blank");
        assert!(!problem["detail"].as_str().unwrap().is_empty());
    }
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_call_reads_page_by_page_and_unchanged_reads_are_304(pool: SqlitePool) {
    let app = app(pool).await;
    three_calls(&app).await;
    let token = token(&app, AccountRole::Viewer, TokenScope::Read).await;
    let whole: Vec<i64> = app
        .state
        .store
        .timeline("dental")
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert!(whole.len() > 5);
    let mut ids = Vec::new();
    let mut uri = "/api/v1/calls/dental?limit=4".to_string();
    loop {
        let (status, _, page) = get(&app, &uri, &token).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["call"]["call_id"], "dental");
        ids.extend(
            page["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_i64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => uri = format!("/api/v1/calls/dental?limit=4&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(ids, whole, "every event once, in timeline order");

    let (_, _, page) = get(&app, "/api/v1/calls/dental?limit=100", &token).await;
    let failed = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "tool_call" && !e["error"].is_null())
        .expect("the failed tool call, with its arguments and error");
    let event_id = failed["id"].as_i64().unwrap();
    let (status, headers, event) = get(&app, &format!("/api/v1/events/{event_id}"), &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(event["function"], failed["function"]);
    let etag = headers["etag"].clone();
    let again = app
        .router
        .clone()
        .oneshot(
            Request::get(format!("/api/v1/events/{event_id}"))
                .header("authorization", format!("Bearer {token}"))
                .header("if-none-match", etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    let body = crate::common::exchange(
        &app,
        super::signed(
            Method::GET,
            &format!("/api/v1/events/{event_id}/body"),
            Some(&token),
            None,
        ),
    )
    .await;
    assert_eq!(body.0, StatusCode::OK);
    assert_eq!(body.1["content-type"], "application/json");
    let raw: Value = serde_json::from_str(&body.2).unwrap();
    assert_eq!(raw["call_id"], "dental", "the body as delivered");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_restricted_viewers_token_reads_redacted_and_no_raw_payloads(pool: SqlitePool) {
    let app = app(pool).await;
    let phone = "my number is +1 415 555 0100";
    deliver(&app, said("pii", "user", phone).json()).await;
    let restricted = token(&app, AccountRole::Restricted, TokenScope::ReadWrite).await;
    let (status, _, page) = get(&app, "/api/v1/calls/pii", &restricted).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let text = page["events"][0]["text"].as_str().unwrap();
    assert!(!text.contains("555 0100"), "redacted: {text}");
    let event_id = page["events"][0]["id"].as_i64().unwrap();
    let (_, _, event) = get(&app, &format!("/api/v1/events/{event_id}"), &restricted).await;
    assert!(
        !event["text"].as_str().unwrap().contains("555 0100"),
        "{event}"
    );
    let (status, _, _) = get(
        &app,
        &format!("/api/v1/events/{event_id}/body"),
        &restricted,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = get(&app, "/api/v1/deliveries", &restricted).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, problem) =
        get(&app, "/api/v1/calls?q=%22415%20555%200100%22", &restricted).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "searching for the value would tell who has it: {problem}"
    );

    // Nor through anything else that takes a query: its figures or its
    // live events would tell as much.
    for uri in [
        "/api/v1/insights?q=%22415%20555%200100%22",
        "/api/v1/stream?q=%22415%20555%200100%22",
    ] {
        let (status, _) = super::status(&app, Method::GET, uri, Some(&restricted), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri}");
    }

    let viewer = token(&app, AccountRole::Viewer, TokenScope::Read).await;
    let (_, _, page) = get(&app, "/api/v1/calls/pii", &viewer).await;
    assert_eq!(page["events"][0]["text"], phone, "a viewer reads it whole");
}
