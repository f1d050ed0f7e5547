//! Finding calls: words and phrases through the FTS5 index (kept in the
//! ingest transaction, accents folded), snippets with the hit marked,
//! structured terms, negation, and the index following retention.

use serde_json::json;
use sqlx::SqlitePool;

use crate::common;
use crate::common::events::said;
use crate::common::{app, call_sequence, deliver, TestApp};
use calltrail::model::query::Query;
use calltrail::model::{highlight, SearchHit};
use calltrail::server::store::prelude::*;
use calltrail::server::store::{now_ms, SearchAt, SearchFrom};

fn turn(call: &str, role: &str, text: &str, secs: f64) -> serde_json::Value {
    said(call, role, text)
        .at("2026-03-14T16:02:11Z")
        .secs(secs)
        .json()
}

async fn search(app: &TestApp, q: &str) -> Vec<SearchHit> {
    let query = Query::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    let at = SearchAt {
        now_ms: now_ms(),
        stale_after_ms: 15 * 60_000,
    };
    app.state
        .store
        .search_calls(&query, at, SearchFrom::Offset(0, Default::default()), 50)
        .await
        .unwrap()
}

async fn ids(app: &TestApp, q: &str) -> Vec<String> {
    let mut ids: Vec<String> = search(app, q)
        .await
        .into_iter()
        .map(|h| h.call.call_id)
        .collect();
    ids.sort();
    ids
}

/// The fixture call as `dental`, a short one about a refund at a café, and
/// a live one.
async fn three_calls(pool: SqlitePool) -> TestApp {
    let app = app(pool).await;
    for line in call_sequence() {
        let mut event: serde_json::Value = serde_json::from_str(&line).unwrap();
        event["call_id"] = json!("dental");
        deliver(&app, event).await;
    }
    deliver(
        &app,
        turn("cafe", "user", "I want a refund: the café was fermé", 1.0),
    )
    .await;
    deliver(
        &app,
        turn(
            "cafe",
            "agent",
            "Sorry to hear that, a refund is on its way",
            3.0,
        ),
    )
    .await;
    deliver(
        &app,
        json!({"type": "end-call", "call_id": "cafe", "timestamp": "2026-03-14T16:02:20Z",
                         "metadata": {"ended_by": "user"}}),
    )
    .await;
    deliver(&app, turn("open", "user", "Hello, is anyone there?", 1.0)).await;
    app
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn words_and_phrases_find_calls_with_the_hit_marked(pool: SqlitePool) {
    let app = three_calls(pool).await;
    // Said words, tool names and arguments, transfer labels.
    assert_eq!(ids(&app, "refund").await, vec!["cafe"]);
    assert_eq!(ids(&app, "listOpenSlots").await, vec!["dental"]);
    assert_eq!(ids(&app, "1988").await, vec!["dental"]);
    assert_eq!(
        ids(&app, "timeout").await,
        vec!["dental"],
        "tool errors are searched"
    );
    assert_eq!(ids(&app, r#""front desk""#).await, vec!["dental"]);
    assert_eq!(ids(&app, r#""desk front""#).await, Vec::<String>::new());
    // Accents fold both ways; prefixes with `*`.
    assert_eq!(ids(&app, "cafe").await, vec!["cafe"]);
    assert_eq!(ids(&app, "FERME").await, vec!["cafe"]);
    assert_eq!(ids(&app, "refu*").await, vec!["cafe"]);
    // Every word must be in the call (not necessarily in one event).
    assert_eq!(ids(&app, "refund fermé").await, vec!["cafe"]);
    assert_eq!(ids(&app, "refund tuesday").await, Vec::<String>::new());
    // FTS5 syntax in a query is just text.
    assert_eq!(
        ids(&app, r#"refund OR "NEAR(x" AND"#).await,
        Vec::<String>::new()
    );

    let hit = search(&app, "fermé").await.remove(0);
    let snippet = hit.snippet.expect("a snippet");
    let marked: Vec<String> = highlight(&snippet)
        .into_iter()
        .filter(|(_, m)| *m)
        .map(|(t, _)| t)
        .collect();
    assert_eq!(marked, vec!["fermé"]);
    let first_turn = app
        .state
        .store
        .timeline_window("cafe", None, 10)
        .await
        .unwrap()[0]
        .id;
    assert_eq!(
        hit.event_id,
        Some(first_turn),
        "the call opens at the matching event"
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn structured_terms_and_negation_narrow(pool: SqlitePool) {
    let app = three_calls(pool).await;
    assert_eq!(ids(&app, "has:tool_error").await, vec!["dental"]);
    assert_eq!(ids(&app, "has:hang").await, vec!["dental"]);
    assert_eq!(ids(&app, "has:interruption").await, vec!["dental"]);
    assert_eq!(ids(&app, "has:transfer").await, vec!["dental"]);
    assert_eq!(ids(&app, "-has:tool_error").await, vec!["cafe", "open"]);
    assert_eq!(ids(&app, "status:transferred").await, vec!["dental"]);
    assert_eq!(ids(&app, "status:ended").await, vec!["cafe"]);
    // Stale is measured from when events arrived, not the times they carry.
    assert_eq!(ids(&app, "status:live").await, vec!["open"]);
    assert_eq!(ids(&app, "status:stale").await, Vec::<String>::new());
    assert_eq!(ids(&app, "ended_by:user").await, vec!["cafe"]);
    assert_eq!(ids(&app, "ended_by:agent").await, vec!["dental"]);
    assert_eq!(
        ids(&app, "started:2026-03-14").await,
        vec!["cafe", "dental", "open"]
    );
    assert_eq!(ids(&app, "started:2026-03-15").await, Vec::<String>::new());
    assert_eq!(
        ids(&app, "duration=12 status:ended").await,
        vec!["cafe"],
        "whole seconds"
    );
    assert_eq!(ids(&app, "tool:findAppointment").await, vec!["dental"]);
    assert_eq!(
        ids(&app, "tool:findappointment").await,
        Vec::<String>::new(),
        "tool names are exact"
    );
    assert_eq!(
        ids(&app, "source:infer").await,
        vec!["cafe", "dental", "open"]
    );
    assert_eq!(ids(&app, "source:vapi").await, Vec::<String>::new());
    assert_eq!(ids(&app, "duration>20 -status:live").await, vec!["dental"]);
    assert_eq!(ids(&app, "duration<=20 status:ended").await, vec!["cafe"]);
    assert_eq!(
        ids(&app, "started>2026-03-14 started<2026-03-15").await,
        vec!["cafe", "dental", "open"]
    );
    assert_eq!(ids(&app, "started>-7d").await, Vec::<String>::new());
    assert_eq!(ids(&app, "refund -fermé").await, Vec::<String>::new());
    assert_eq!(ids(&app, "hello -refund").await, vec!["open"]);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn saved_views_belong_to_their_account(pool: SqlitePool) {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};

    let app = app(pool).await;
    let save = |form: &str| {
        Request::post("/views")
            .header("cookie", &app.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form.to_string()))
            .unwrap()
    };
    let (status, headers, _) =
        common::exchange(&app, save("q=has%3Atool_error+refund&name=Refund+errors")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers["location"].to_str().unwrap();
    assert_eq!(to, "/?q=has%3Atool_error%20refund&notice=view-saved");
    let user = app
        .state
        .store
        .user_by_name(common::ADMIN)
        .await
        .unwrap()
        .unwrap()
        .id;
    let views = app.state.store.saved_views(user).await.unwrap();
    assert_eq!(views.len(), 1);
    assert_eq!(
        (views[0].name.as_str(), views[0].q.as_str()),
        ("Refund errors", "has:tool_error refund")
    );

    // Saving under the same name replaces the query; a bad query is refused, saying why.
    common::exchange(&app, save("q=has%3Ahang&name=Refund+errors")).await;
    assert_eq!(
        app.state.store.saved_views(user).await.unwrap()[0].q,
        "has:hang"
    );
    let (_, headers, _) = common::exchange(&app, save("q=status%3Agone&name=x")).await;
    assert_eq!(
        headers["location"],
        "/?q=status%3Agone&error=view-query-invalid"
    );

    // Another account can neither see nor delete them.
    assert!(app
        .state
        .store
        .saved_views(user + 1)
        .await
        .unwrap()
        .is_empty());
    assert!(!app
        .state
        .store
        .delete_view(user + 1, views[0].id)
        .await
        .unwrap());
    assert!(app
        .state
        .store
        .delete_view(user, views[0].id)
        .await
        .unwrap());
    // Without a session, nothing is saved.
    let anonymous = Request::post("/views")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("q=x&name=y"))
        .unwrap();
    let (status, headers, _) = common::exchange(&app, anonymous).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers["location"].to_str().unwrap().starts_with("/login"));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn exports_stream_exactly_what_the_query_selects(pool: SqlitePool) {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};

    let app = three_calls(pool).await;
    let get = |uri: &str| {
        Request::get(uri)
            .header("cookie", &app.cookie)
            .body(Body::empty())
            .unwrap()
    };
    let (status, headers, csv) = common::exchange(&app, get("/export?q=refund&format=csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("call_id,source,status,started_at"));
    assert!(lines[1].starts_with("cafe,infer,ended,"), "{}", lines[1]);
    assert!(
        // headline, caller, agent (Infer names neither), recording, then
        // no flags, score or reviewers, and no notes
        lines[1].ends_with(",0,0,I want a refund: the café was fermé,,,,,,,0"),
        "{}",
        lines[1]
    );

    let (_, _, json) = common::exchange(
        &app,
        get("/export?q=source%3Ainfer&format=json&progress=p1"),
    )
    .await;
    let calls: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(calls.len(), 3);
    // The page that started it can tell how far it went.
    let progress = app.state.exports.get("p1").expect("followed");
    assert_eq!((progress.done, progress.total), (3, 3));
    assert!(progress.finished && !progress.failed);
    let (status, _, _) = common::exchange(&app, get("/export?format=csv&progress=..%2F")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (_, _, jsonl) =
        common::exchange(&app, get("/export?q=has%3Atool_error&format=jsonl")).await;
    let events: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), call_sequence().len());
    assert!(events.iter().all(|e| e["call_id"] == "dental"));
    assert_eq!(events[4]["detail"]["function"], "findAppointment");
    let raw: serde_json::Value = serde_json::from_str(events[0]["raw"].as_str().unwrap()).unwrap();
    assert_eq!(raw["type"], "conversation-update");

    let (status, _, body) = common::exchange(&app, get("/export?q=status%3Agone&format=csv")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("unknown status"));
    let (status, _, _) = common::exchange(&app, get("/export?format=xml")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Not without a session.
    let anonymous = Request::get("/export?format=csv")
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = common::exchange(&app, anonymous).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_writer_indexes_what_the_backfill_view_reads(pool: SqlitePool) {
    if crate::common::pg::skip_on_postgres(
        "search::the_writer_indexes_what_the_backfill_view_reads",
        "reads SQLite's FTS5 table directly",
    ) {
        return;
    }
    let app = three_calls(pool.clone()).await;
    deliver(
        &app,
        serde_json::from_str(&common::fixture("end-of-call-report.json")).unwrap(),
    )
    .await;
    let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT v.id, v.body, t.body FROM event_search_text v LEFT JOIN event_text t ON t.rowid = v.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(rows.len() > 10);
    let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    for (id, viewed, written) in rows {
        // Events with nothing to search (a hang, an end) have no row.
        match written {
            Some(written) => assert_eq!(words(&written), words(&viewed), "event {id}"),
            None => assert_eq!(viewed, "", "event {id} has text but no row in the index"),
        }
    }
    let empty: i64 = sqlx::query_scalar("SELECT count(*) FROM event_search_text WHERE body = ''")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(empty > 0, "the calls have events without text");
}

/// An export larger than one step of calls goes out in parts as it is read
/// (the server never holds it whole), and the parts make the whole export.
#[sqlx::test(migrations = "migrations/sqlite")]
async fn exports_stream_in_parts_as_they_are_read(pool: SqlitePool) {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let app = common::app(pool).await;
    let calls = 1_100;
    for n in 0..calls {
        deliver(
            &app,
            json!({"type": "end-call", "call_id": format!("bulk-{n:04}"), "timestamp": 1_773_504_000_000i64 + n * 1000,
                   "metadata": {"ended_by": "user"}}),
        )
        .await;
    }
    let request = Request::get("/export?format=csv")
        .header("cookie", &app.cookie)
        .body(Body::empty())
        .unwrap();
    let mut body = app
        .router
        .clone()
        .oneshot(request)
        .await
        .unwrap()
        .into_body();
    let mut parts = Vec::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.unwrap().into_data() {
            parts.push(data.len());
        }
    }
    let total: usize = parts.iter().sum();
    let largest = parts.iter().max().copied().unwrap_or(0);
    // The header, then one part per step of 500 calls.
    assert!(parts.len() >= 4, "{parts:?}");
    assert!(largest * 2 < total, "one part held most of it: {parts:?}");
    // Every call is in it once.
    let request = Request::get("/export?format=csv")
        .header("cookie", &app.cookie)
        .body(Body::empty())
        .unwrap();
    let (_, _, csv) = common::exchange(&app, request).await;
    assert_eq!(csv.lines().count(), calls as usize + 1);
    assert_eq!(csv.len(), total);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn addresses_and_numbers_are_found_as_typed_on_either_engine(pool: SqlitePool) {
    let app = app(pool).await;
    deliver(
        &app,
        turn(
            "mail",
            "user",
            "Send it to ann@example.com, version 1.5 from api.example.io please",
            1.0,
        ),
    )
    .await;
    deliver(&app, turn("other", "user", "Nothing to see here", 1.0)).await;
    for q in ["ann@example.com", "1.5", "api.example.io", "example", "ann"] {
        assert_eq!(ids(&app, q).await, vec!["mail"], "{q}");
    }
}
