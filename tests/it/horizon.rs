//! On PostgreSQL, instances' batches commit in parallel, so ids commit out
//! of order. Here one instance's batch is held open (the test holds its
//! call's row) while the other instance commits a later id: that commit
//! must not wait, every cursor read meanwhile must stop before the held id,
//! and once it commits every cursor — live, `Last-Event-ID`, the alerts' and
//! forwards' (`events_since`), metrics', the API stream's, the calls list's
//! and the deliveries' — sees both events, each once, in id order.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::json;
use sqlx::{Connection, PgConnection};

use crate::common::{pg, post, TestApp};
use crate::scale_out::two_instances;
use calltrail::model::DeliveryFilter;
use calltrail::server::store::prelude::*;
use calltrail::server::store::Store;

fn event(call: &str, n: u32) -> String {
    json!({"type": "conversation-update", "call_id": call, "timestamp": "2025-04-12T14:32:30Z",
        "metadata": {"role": "agent", "message": format!("line {n}"), "secondsFromStart": n}})
    .to_string()
}

/// What every cursor reads after the positions in `from`.
#[derive(Debug, PartialEq)]
struct Seen {
    events: Vec<i64>,
    without_bodies: Vec<i64>,
    metrics: Vec<String>,
    calls_list: Vec<String>,
    resumed: Vec<(String, Vec<i64>)>,
    deliveries: usize,
    delivery_log: usize,
}

async fn seen(store: &Store, from: (i64, i64)) -> Seen {
    let (event, delivery) = from;
    let ids = |items: Vec<calltrail::model::TimelineItem>| items.iter().map(|i| i.id).collect();
    let mut resumed = Vec::new();
    for call in ["held", "other"] {
        resumed.push((
            call.to_string(),
            ids(store.events_after(call, event, 100).await.unwrap()),
        ));
    }
    Seen {
        events: ids(store.events_since(event, 100).await.unwrap()),
        without_bodies: ids(store
            .events_after_without_bodies(None, event, 100)
            .await
            .unwrap()),
        metrics: store.calls_touched_after(event).await.unwrap().0,
        calls_list: store
            .calls_changed_after(event, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.call_id)
            .collect(),
        resumed,
        deliveries: store.deliveries_after(delivery, 100).await.unwrap().len(),
        delivery_log: store
            .deliveries_since(&DeliveryFilter::default(), delivery, 100)
            .await
            .unwrap()
            .len(),
    }
}

/// Waits until a session of the database at `url` waits for a lock.
async fn until_a_writer_waits(url: &str) {
    let mut conn = PgConnection::connect(url).await.unwrap();
    for _ in 0..200 {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid IN
                (SELECT pid FROM pg_stat_activity WHERE datname = current_database())",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        if waiting > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("instance A's batch never reached the held call row");
}

async fn accepted(app: &TestApp, body: &str) -> i64 {
    let (status, stored) = post(app, body).await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    assert_eq!(stored["status"], "accepted", "{stored}");
    stored["event_id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_batch_held_open_holds_every_cursor_back_and_none_skips_it() {
    let Some(server) =
        pg::server_or_skip("horizon::a_batch_held_open_holds_every_cursor_back_and_none_skips_it")
    else {
        return;
    };
    let (a, b) = two_instances(&server).await;
    let url = a.pg_url.clone().unwrap();
    let mut live = b.state.hub.subscribe();
    let first = accepted(&a, &event("held", 1)).await;
    let published = tokio::time::timeout(Duration::from_secs(5), live.recv())
        .await
        .expect("B publishes A's first event")
        .unwrap();
    assert_eq!(published.update.item.id, first);
    let store = &b.state.store;
    let from = (
        store.latest_event_id().await.unwrap(),
        store.delivery_marks().await.unwrap().0,
    );
    assert_eq!(from.0, first);
    assert_eq!(store.latest_delivery_id().await.unwrap(), from.1);

    // The test holds call "held"'s row: A's next batch on it takes its ids
    // and inserts its event, then waits to write the call's row.
    let mut holder = PgConnection::connect(&url).await.unwrap();
    let mut held = holder.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM calls WHERE call_id = 'held' FOR UPDATE")
        .execute(&mut *held)
        .await
        .unwrap();
    let late_body = event("held", 2);
    let late = accepted(&a, &late_body);
    let meanwhile = async {
        until_a_writer_waits(&url).await;
        let other = tokio::time::timeout(Duration::from_secs(10), accepted(&b, &event("other", 1)))
            .await
            .expect("B commits while A's batch is open: instances do not take turns");
        let during = seen(store, from).await;
        // Longer than the follower's poll: it had every chance to publish.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let published_during = live.try_recv().ok().map(|p| p.update.item.id);
        held.rollback().await.unwrap();
        (other, during, published_during)
    };
    let (late, (other, during, published_during)) = tokio::join!(late, meanwhile);
    assert!(late < other, "A took its id ({late}) before B ({other})");
    let nothing = Seen {
        events: vec![],
        without_bodies: vec![],
        metrics: vec![],
        calls_list: vec![],
        resumed: vec![("held".into(), vec![]), ("other".into(), vec![])],
        deliveries: 0,
        delivery_log: 0,
    };
    assert_eq!(during, nothing, "a cursor read past the batch in flight");
    assert_eq!(published_during, None, "published past the batch in flight");

    let after = seen(store, from).await;
    let mut touched = after.metrics.clone();
    touched.sort();
    assert_eq!(
        (after.events.clone(), after.without_bodies.clone(), touched),
        (
            vec![late, other],
            vec![late, other],
            vec!["held".to_string(), "other".to_string()]
        )
    );
    assert_eq!(after.calls_list, ["held", "other"]);
    assert_eq!(
        after.resumed,
        [
            ("held".to_string(), vec![late]),
            ("other".to_string(), vec![other])
        ]
    );
    assert_eq!((after.deliveries, after.delivery_log), (2, 2));
    let mut published = Vec::new();
    while published.len() < 2 {
        let p = tokio::time::timeout(Duration::from_secs(5), live.recv())
            .await
            .expect("B publishes both events once A's commits")
            .unwrap();
        published.push(p.update.item.id);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(live.try_recv().is_err(), "an event was published twice");
    assert_eq!(published, [late, other], "published once each, in id order");
}
