//! What the pages load: live calls first, past calls paged newest first, a
//! call's timeline in time order, the delivery log newest first.

use crate::common::events::{end, said};
use crate::common::{app, call_sequence, fixture, post};
use axum::http::StatusCode;
use sqlx::SqlitePool;

use calltrail::model::{CallStatus, DeliveryFilter, DeliveryOutcome};
use calltrail::server::http::page_data::{self, CALLS_PER_PAGE};
use calltrail::server::store::prelude::*;

fn turn(call_id: &str, at_ms: i64) -> String {
    said(call_id, "user", "hello").time(at_ms).body()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn calls_page_puts_live_first_and_pages_past_calls(pool: SqlitePool) {
    let app = app(pool).await;
    let base = 1_700_000_000_000i64;
    let past = CALLS_PER_PAGE as i64 + 5;
    for i in 0..past {
        let id = format!("past-{i:03}");
        post(&app, &turn(&id, base + i * 1000)).await;
        post(&app, &end(&id, base + i * 1000 + 500)).await;
    }
    post(&app, &turn("live-1", base)).await;

    let store = &app.state.store;
    let page = |n: u32| {
        page_data::calls_page(
            store,
            n,
            (None, None),
            app.state.webhook_auth.connect_info("http://x"),
            900_000,
            None,
        )
    };
    let first = page(1).await.unwrap();
    assert_eq!(
        first
            .live
            .iter()
            .map(|c| c.call_id.as_str())
            .collect::<Vec<_>>(),
        vec!["live-1"]
    );
    assert_eq!(first.past.len(), CALLS_PER_PAGE as usize);
    assert_eq!(first.past[0].call_id, format!("past-{:03}", past - 1));
    assert!(first.past.iter().all(|c| c.status == CallStatus::Ended));
    assert!(first.has_more);
    assert_eq!(first.cursor, store.latest_event_id().await.unwrap());

    let second = page(2).await.unwrap();
    assert_eq!(second.past.len(), 5);
    assert_eq!(second.past[4].call_id, "past-000");
    assert!(!second.has_more);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn call_timeline_is_in_time_order_with_cursor(pool: SqlitePool) {
    let app = app(pool).await;
    let lines = call_sequence();
    // the tool call arrives before the turns that precede it
    post(&app, &lines[4]).await;
    for line in &lines[..4] {
        post(&app, line).await;
    }
    let timeline = page_data::call_timeline(&app.state.store, "call_7f3a9c2e", None, 900_000)
        .await
        .unwrap()
        .unwrap();
    let kinds: Vec<&str> = timeline.items.iter().map(|i| i.detail.kind()).collect();
    assert_eq!(
        kinds,
        vec!["message", "message", "message", "message", "tool_call"]
    );
    assert_eq!(
        timeline.cursor,
        timeline.items.iter().map(|i| i.id).max().unwrap()
    );
    assert!(
        page_data::call_timeline(&app.state.store, "nope", None, 900_000)
            .await
            .unwrap()
            .is_none()
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn deliveries_page_is_newest_first_with_reasons(pool: SqlitePool) {
    let app = app(pool).await;
    post(&app, &fixture("end-call.json")).await;
    let (status, _) = post(&app, "{oops").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let page = page_data::deliveries_page(&app.state.store, 1, Default::default())
        .await
        .unwrap();
    assert_eq!(page.deliveries.len(), 2);
    assert_eq!(page.deliveries[0].error.as_deref(), Some("invalid JSON"));
    assert_eq!(page.deliveries[0].body, "{oops");
    assert_eq!(page.deliveries[1].call_id.as_deref(), Some("abc123"));
    assert!(!page.has_more);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_delivery_log_narrows_by_outcome_status_kind_call_and_text(pool: SqlitePool) {
    let app = app(pool).await;
    post(&app, &fixture("end-call.json")).await;
    post(&app, &fixture("tool-call.json")).await;
    post(&app, "{oops, Ünïcode").await;
    let find = |filter: DeliveryFilter| {
        let store = app.state.store.clone();
        async move {
            let page = page_data::deliveries_page(&store, 1, filter).await.unwrap();
            page.deliveries
                .iter()
                .map(|d| (d.http_status, d.kind.clone()))
                .collect::<Vec<_>>()
        }
    };
    let all = find(DeliveryFilter::default()).await;
    assert_eq!(all.len(), 3);
    assert_eq!(all[1], (200, Some("tool_call".to_string())));
    let rejected = DeliveryFilter {
        outcome: Some(DeliveryOutcome::Rejected),
        ..Default::default()
    };
    assert_eq!(find(rejected).await, vec![(400, None)]);
    let by_status = DeliveryFilter {
        status: Some(200),
        ..Default::default()
    };
    assert_eq!(find(by_status).await.len(), 2);
    let by_kind = DeliveryFilter {
        kind: Some("end".into()),
        ..Default::default()
    };
    assert_eq!(find(by_kind).await, vec![(200, Some("end".to_string()))]);
    let by_call = DeliveryFilter {
        call: Some("abc123".into()),
        ..Default::default()
    };
    assert_eq!(find(by_call).await.len(), 2);
    let by_text = DeliveryFilter {
        text: Some("üNÏCODE".into()),
        ..Default::default()
    };
    assert_eq!(find(by_text).await, vec![], "lower() folds ASCII only");
    let by_text = DeliveryFilter {
        text: Some("OOPS".into()),
        ..Default::default()
    };
    assert_eq!(find(by_text).await, vec![(400, None)]);
    // Each stored event says what it was in a line.
    let page = page_data::deliveries_page(&app.state.store, 1, Default::default())
        .await
        .unwrap();
    assert!(
        page.deliveries[1]
            .preview
            .as_deref()
            .is_some_and(|p| p.contains("getWeather")),
        "{:?}",
        page.deliveries[1].preview
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_long_call_is_shown_one_window_at_a_time(pool: SqlitePool) {
    let app = app(pool).await;
    let base = 1_700_000_000_000i64;
    // Delivered newest first, so time order and id order disagree.
    for i in (0..450).rev() {
        post(&app, &turn("long", base + i * 1000)).await;
    }
    let store = &app.state.store;
    let at = |t: &calltrail::model::CallTimeline| -> Vec<i64> {
        t.items
            .iter()
            .map(|i| (i.occurred_at - base) / 1000)
            .collect()
    };
    let newest = page_data::call_timeline(store, "long", None, 900_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(at(&newest), (250..450).collect::<Vec<_>>());
    assert_eq!(newest.before, None);
    let earlier = newest.earlier.expect("there are earlier events");
    assert_eq!(earlier.at, base + 250_000);

    let middle = page_data::call_timeline(store, "long", Some(earlier), 900_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(at(&middle), (50..250).collect::<Vec<_>>());
    let oldest = page_data::call_timeline(store, "long", middle.earlier, 900_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(at(&oldest), (0..50).collect::<Vec<_>>());
    assert_eq!(oldest.earlier, None);
    // Live updates resume after everything stored, whichever window is shown.
    assert_eq!(oldest.cursor, newest.cursor);

    // A link to an old event (`?at=`) opens the window that holds it, with
    // ten events after it; one to a recent event, the newest window.
    let all = store.timeline("long").await.unwrap();
    let old = all[20].id;
    let holding = page_data::window_holding(store, "long", old).await.unwrap();
    assert_eq!(holding.map(|p| p.at), Some(base + 31_000));
    let window = page_data::call_timeline(store, "long", holding, 900_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(at(&window), (0..31).collect::<Vec<_>>());
    assert_eq!(window.before, holding);
    for newest_or_unknown in [all[300].id, all[250].id, i64::MAX] {
        let shown = page_data::window_holding(store, "long", newest_or_unknown).await;
        assert_eq!(shown.unwrap(), None, "{newest_or_unknown}");
    }
    // The 201st newest is not in the newest window.
    assert!(page_data::window_holding(store, "long", all[249].id)
        .await
        .unwrap()
        .is_some());
    // An event of another call opens this one's newest window.
    post(&app, &turn("other", base)).await;
    let theirs = store.timeline("other").await.unwrap()[0].id;
    assert_eq!(
        page_data::window_holding(store, "long", theirs)
            .await
            .unwrap(),
        None
    );
}
