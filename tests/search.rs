//! Finding calls: words and phrases through the FTS5 index (kept in the
//! ingest transaction, accents folded), snippets with the hit marked,
//! structured terms, negation, and the index following retention.

mod common;

use serde_json::json;
use sqlx::SqlitePool;

use calltrail::model::query::Query;
use calltrail::model::{highlight, SearchHit};
use calltrail::server::store::{now_ms, SearchAt};
use common::{app, call_sequence, post, TestApp};

async fn deliver(app: &TestApp, body: serde_json::Value) {
    let (status, answer) = post(app, &body.to_string()).await;
    assert!(status.is_success(), "{answer}");
}

fn turn(call: &str, role: &str, text: &str, secs: f64) -> serde_json::Value {
    json!({"type": "conversation-update", "call_id": call, "timestamp": "2026-03-14T16:02:11Z",
           "metadata": {"role": role, "message": text, "secondsFromStart": secs}})
}

async fn search(app: &TestApp, q: &str) -> Vec<SearchHit> {
    let query = Query::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    let at = SearchAt {
        now_ms: now_ms(),
        stale_after_ms: 15 * 60_000,
    };
    app.state
        .store
        .search_calls(&query, at, 0, 50)
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

#[sqlx::test]
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

#[sqlx::test]
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
