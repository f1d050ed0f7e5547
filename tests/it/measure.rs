//! Voice metrics in the read model: the metrics runner measures each call
//! with new events (all stored calls on its first pass), the list sorts by
//! a metric, and a call's page carries its measurement.

use crate::common::events::said;
use crate::common::{app, post, TestApp};
use serde_json::json;
use sqlx::SqlitePool;

use calltrail::model::query::Query;
use calltrail::model::{SearchResults, Sort, SortKey};
use calltrail::server::app::call_metrics;
use calltrail::server::http::page_data;
use calltrail::server::store::prelude::*;
use calltrail::server::store::{SearchAt, SearchFrom};

fn turn(call: &str, role: &str, text: &str, secs: f64) -> String {
    said(call, role, text)
        .at(1_773_504_000_000i64 + (secs * 1000.0) as i64)
        .secs(secs)
        .body()
}

/// A report timing a caller turn (1–3 s) and the agent's answer `answer_ms`
/// after it ended.
fn report(call: &str, answer_ms: i64) -> String {
    json!({"call_id": call, "summary": "Booked.", "endedReason": "customer-ended-call",
           "messages": [
               {"role": "user", "message": "Hi", "secondsFromStart": 1.0, "duration": 2000},
               {"role": "bot", "message": "Hello", "secondsFromStart": (3000 + answer_ms) as f64 / 1000.0, "duration": 1000}
           ]})
    .to_string()
}

async fn deliver(app: &TestApp, body: &str) {
    let (status, answer) = post(app, body).await;
    assert!(status.is_success(), "{answer}");
}

/// Calls answered in 0.4 s (`quick`), 4 s (`slow`) and 1.5 s (`middle`),
/// ended with a report.
async fn three_calls(app: &TestApp) {
    for (call, answer_ms) in [("quick", 400), ("slow", 4_000), ("middle", 1_500)] {
        deliver(app, &turn(call, "user", "Hi", 1.0)).await;
        deliver(
            app,
            &turn(call, "agent", "Hello", (3000 + answer_ms) as f64 / 1000.0),
        )
        .await;
        deliver(app, &report(call, answer_ms)).await;
    }
}

async fn list(app: &TestApp, sort: &str) -> (Vec<String>, calltrail::model::CallsPage) {
    let page = page_data::calls_page(
        &app.state.store,
        1,
        (None, Some(sort.to_string())),
        app.state.webhook_auth.connect_info("http://x"),
        900_000,
        None,
    )
    .await
    .unwrap();
    let ids = page
        .search
        .as_ref()
        .map(|s: &SearchResults| s.hits.iter().map(|h| h.call.call_id.clone()).collect())
        .unwrap_or_default();
    (ids, page)
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn calls_are_measured_and_the_list_sorts_by_a_metric(pool: SqlitePool) {
    let app = app(pool).await;
    three_calls(&app).await;
    // Not measured yet: the calls are listed, their metrics absent.
    let (_, before) = list(&app, "latency").await;
    assert!(before.metrics.is_empty());

    call_metrics::catch_up(&app.state.store).await.unwrap();
    let (ids, page) = list(&app, "latency").await;
    assert_eq!(ids, ["slow", "middle", "quick"]);
    assert_eq!(
        page.sort,
        Sort {
            key: SortKey::Latency,
            ascending: false
        }
    );
    let slow = &page.metrics["slow"];
    assert_eq!(slow.latency.value.unwrap().p50_ms, 4_000);
    assert!(slow.latency.is_trusted(), "{}", slow.latency.why());
    assert_eq!(
        slow.ending.value.as_ref().unwrap().reason.as_deref(),
        Some("customer-ended-call")
    );
    let (ids, _) = list(&app, "latency.asc").await;
    assert_eq!(ids, ["quick", "middle", "slow"]);

    // A new event measures its call again, from its whole timeline.
    deliver(&app, &turn("quick", "user", "Also, one more thing", 9.0)).await;
    deliver(&app, &turn("quick", "agent", "Sure", 20.0)).await;
    call_metrics::catch_up(&app.state.store).await.unwrap();
    let (_, page) = list(&app, "latency").await;
    // The report times 2 of its 4 turns now: estimates, and said to be.
    let talk = &page.metrics["quick"].talk;
    assert_eq!(
        talk.value.unwrap().agent_ms,
        1_200,
        "two one-word turns, 600 ms each"
    );
    assert!(
        talk.why()
            .contains("the report times 2 turns but 4 arrived as events"),
        "{}",
        talk.why()
    );
    // The call page shows the same measurement.
    let timeline = page_data::call_timeline(&app.state.store, "quick", None, 900_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(timeline.metrics.as_ref(), Some(&page.metrics["quick"]));
}

/// A sort by a measure walks the measured calls in its order, then lists
/// the calls not measured yet, newest first: a page may straddle the two,
/// or start past every measured call; a query narrows both.
#[sqlx::test(migrations = "migrations/sqlite")]
async fn pages_sorted_by_a_measure_go_on_to_the_calls_not_measured(pool: SqlitePool) {
    let app = app(pool).await;
    three_calls(&app).await;
    call_metrics::catch_up(&app.state.store).await.unwrap();
    // Not measured yet (started at the same time: by id, newest first).
    for call in ["new1", "new2"] {
        deliver(&app, &turn(call, "user", "Hi there", 1.0)).await;
    }
    let page = |q: &'static str, offset: i64, ascending: bool| {
        let store = app.state.store.clone();
        async move {
            let sort = Sort {
                key: SortKey::Latency,
                ascending,
            };
            let at = SearchAt {
                now_ms: calltrail::server::store::now_ms(),
                stale_after_ms: 900_000,
            };
            let query = Query::parse(q).unwrap();
            let hits = store
                .search_calls(&query, at, SearchFrom::Offset(offset, sort), 2)
                .await
                .unwrap();
            hits.into_iter().map(|h| h.call.call_id).collect::<Vec<_>>()
        }
    };
    assert_eq!(page("", 0, false).await, ["slow", "middle"]);
    assert_eq!(page("", 2, false).await, ["quick", "new2"]);
    assert_eq!(page("", 4, false).await, ["new1"]);
    assert_eq!(page("", 0, true).await, ["quick", "middle"]);
    assert_eq!(page("", 2, true).await, ["slow", "new2"]);
    assert!(page("", 6, true).await.is_empty());
    // Only the ended (measured) calls, or only the live ones: the others
    // are left out at every step.
    assert_eq!(page("-status:live", 2, false).await, ["quick"]);
    assert_eq!(page("status:live", 0, false).await, ["new2", "new1"]);
    assert_eq!(page("status:live", 1, false).await, ["new1"]);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn estimates_say_so_and_an_unknown_sort_is_explained(pool: SqlitePool) {
    let app = app(pool).await;
    deliver(
        &app,
        &turn("est", "user", "I would like to book a table", 1.0),
    )
    .await;
    deliver(&app, &turn("est", "agent", "Of course", 6.0)).await;
    call_metrics::catch_up(&app.state.store).await.unwrap();
    let (_, page) = list(&app, "stall").await;
    let m = &page.metrics["est"];
    assert!(m.latency.value.is_some());
    assert!(
        m.latency.why().contains("estimated from word count"),
        "{}",
        m.latency.why()
    );

    let (ids, page) = list(&app, "loudness").await;
    assert!(ids.is_empty());
    let error = page.search.unwrap().error.unwrap();
    assert!(error.contains("cannot sort by \"loudness\""), "{error}");
}
