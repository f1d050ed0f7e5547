//! Reading calls through `/api/v1`: the query bar's language and results,
//! cursors that neither skip nor repeat, a call's timeline page by page,
//! events and their bodies, `ETag`s, problems for bad requests, redaction
//! for restricted viewers' tokens, the other lists, writes of rules and
//! destinations, and the live stream with `Last-Event-ID`.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use sqlx::SqlitePool;
use tower::ServiceExt;

use super::{call, call_ids, get, token};
use crate::common::events::said;
use crate::common::{app, call_sequence, deliver, TestApp};
use calltrail::model::tokens::TokenScope;
use calltrail::model::AccountRole;
use calltrail::server::http::page_data;
use calltrail::server::store::prelude::*;

/// The fixture call (`dental`, with a tool error), a finished café call
/// about a refund, and a live call.
async fn three_calls(app: &TestApp) {
    for line in call_sequence() {
        let mut event: Value = serde_json::from_str(&line).unwrap();
        event["call_id"] = json!("dental");
        deliver(app, event).await;
    }
    let turn = |call: &str, role: &str, text: &str, secs: f64| {
        said(call, role, text)
            .at("2026-03-14T16:02:11Z")
            .secs(secs)
            .json()
    };
    deliver(app, turn("cafe", "user", "I want a refund please", 1.0)).await;
    deliver(app, turn("cafe", "agent", "A refund is on its way", 3.0)).await;
    deliver(
        app,
        json!({"type": "end-call", "call_id": "cafe", "timestamp": "2026-03-14T16:02:20Z",
               "metadata": {"ended_by": "user"}}),
    )
    .await;
    deliver(app, turn("open", "user", "Hello, is anyone there?", 1.0)).await;
}

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

    let viewer = token(&app, AccountRole::Viewer, TokenScope::Read).await;
    let (_, _, page) = get(&app, "/api/v1/calls/pii", &viewer).await;
    assert_eq!(page["events"][0]["text"], phone, "a viewer reads it whole");
}

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

    let rule =
        json!({"name": "loops", "spec": {"kind": "tool-loop", "count": 5}, "cooldown_secs": 60});
    let (status, _, made) = call(
        &app,
        Method::POST,
        "/api/v1/rules",
        Some(&editor),
        Some(rule),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["spec"]["count"], 5);
    let id = made["id"].as_i64().unwrap();
    let changed =
        json!({"name": "loops", "spec": {"kind": "tool-loop", "count": 9}, "enabled": false});
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
            rule["spec"]["count"].as_i64(),
            rule["enabled"].as_bool()
        ),
        (StatusCode::OK, Some(9), Some(false))
    );
    let bad = json!({"name": "x", "spec": {"kind": "tool-loop", "cuont": 9}});
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

/// Opens an API stream; its body.
async fn open(app: &TestApp, uri: &str, token: &str, last_event_id: Option<i64>) -> Body {
    let mut request = Request::get(uri).header("authorization", format!("Bearer {token}"));
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id.to_string());
    }
    let response = app
        .router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    response.into_body()
}

/// The next `n` events a stream sends (ids and JSON), its `ready` left out.
async fn read(body: &mut Body, n: usize) -> Vec<(i64, Value)> {
    let mut text = String::new();
    let mut messages = Vec::new();
    while messages.len() < n {
        let frame = tokio::time::timeout(Duration::from_secs(5), body.frame())
            .await
            .expect("a message within 5 s")
            .expect("stream open")
            .expect("frame");
        let Ok(data) = frame.into_data() else {
            continue;
        };
        text.push_str(std::str::from_utf8(&data).unwrap());
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            if block.lines().any(|l| l == "event: ready") {
                continue;
            }
            let id = block
                .lines()
                .find_map(|l| l.strip_prefix("id: "))
                .map(|v| v.parse().unwrap());
            let data = block.lines().find_map(|l| l.strip_prefix("data: "));
            if let (Some(id), Some(data)) = (id, data) {
                messages.push((id, serde_json::from_str(data).unwrap()));
            }
        }
    }
    messages
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_stream_sends_a_querys_new_events_and_resumes_without_gaps(pool: SqlitePool) {
    let app = app(pool).await;
    let token = token(&app, AccountRole::Viewer, TokenScope::Read).await;
    deliver(&app, said("before", "user", "refund please").json()).await;
    let mut body = open(&app, "/api/v1/stream?q=refund", &token, None).await;
    deliver(&app, said("other", "user", "weather today").json()).await;
    deliver(&app, said("wanted", "user", "a refund for my order").json()).await;
    deliver(&app, said("wanted", "agent", "of course").json()).await;
    let got = read(&mut body, 2).await;
    assert_eq!(
        got[0].1["call_id"], "wanted",
        "old events and other calls are not sent"
    );
    assert_eq!(got[0].1["text"], "a refund for my order");
    assert_eq!(got[1].1["text"], "of course");
    drop(body);

    // Resumed after the first: the second again, then what came since.
    deliver(&app, said("wanted", "user", "thanks").json()).await;
    let mut body = open(&app, "/api/v1/stream?q=refund", &token, Some(got[0].0)).await;
    let again = read(&mut body, 2).await;
    assert_eq!(again.iter().map(|m| m.0).collect::<Vec<_>>()[0], got[1].0);
    assert_eq!(again[1].1["text"], "thanks");

    // One call's stream, from its start.
    let mut body = open(&app, "/api/v1/calls/wanted/stream", &token, None).await;
    let all = read(&mut body, 3).await;
    assert_eq!(
        all.iter()
            .map(|m| m.1["text"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["a refund for my order", "of course", "thanks"]
    );
}
