//! Two calltrail instances on one PostgreSQL database, as behind a load
//! balancer: an event posted to one is published live by the other, and a
//! repeat sent to the other is recognised. Runs when the tests run on
//! PostgreSQL (`CALLTRAIL_TEST_PG`); on SQLite there is one instance per file.

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use tokio::sync::watch;

use calltrail::server::live::Hub;
use common::{assemble, fixture, pg, post, TestApp};

/// Two apps on one new database.
async fn two_instances(server: &str) -> (TestApp, TestApp) {
    let url = pg::fresh_database(server).await;
    let mut apps = Vec::new();
    for _ in 0..2 {
        let (stop, stopping) = watch::channel(false);
        let hub = Hub::new(stopping);
        let store = pg::store_on(&url, hub.publisher()).await;
        apps.push(assemble(store, hub, stop, |_| {}).await);
    }
    let b = apps.pop().unwrap();
    (apps.pop().unwrap(), b)
}

#[tokio::test]
async fn an_event_posted_to_one_instance_is_published_live_by_the_other() {
    let Some(server) = pg::server_url() else {
        return;
    };
    let (a, b) = two_instances(&server).await;
    let mut on_b = b.state.hub.subscribe();
    let body = fixture("conversation-update.json");
    let (status, stored) = post(&a, &body).await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    assert_eq!(stored["status"], "accepted");
    let published = tokio::time::timeout(Duration::from_secs(5), on_b.recv())
        .await
        .expect("instance B publishes the event within 5 s")
        .expect("B's hub is open");
    assert_eq!(
        Some(published.update.item.id),
        stored["event_id"].as_i64(),
        "B published the event A stored"
    );
    // A repeat of the same delivery, sent to B, is recognised there.
    let (status, again) = post(&b, &body).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["status"], "duplicate");
    assert_eq!(again["event_id"], stored["event_id"]);
    // Both read the same call.
    let call_id = &published.update.item.call_id;
    let on_a = a.state.store.call(call_id).await.unwrap().unwrap();
    let on_b = b.state.store.call(call_id).await.unwrap().unwrap();
    assert_eq!(on_a, on_b);
    assert_eq!(on_a.n_events, 1);
}

#[tokio::test]
async fn concurrent_posts_to_two_instances_keep_every_event_in_id_order() {
    let Some(server) = pg::server_url() else {
        return;
    };
    let (a, b) = two_instances(&server).await;
    let mut on_a = a.state.hub.subscribe();
    let bodies: Vec<String> = (0..40)
        .map(|i| {
            fixture("conversation-update.json").replacen(
                "\"call",
                &format!("\"scale_out_{i}\": {i}, \"call"),
                1,
            )
        })
        .collect();
    let posts = bodies.iter().enumerate().map(|(i, body)| {
        let app = if i % 2 == 0 { &a } else { &b };
        post(app, body)
    });
    for (status, stored) in futures::future::join_all(posts).await {
        assert_eq!(status, StatusCode::OK, "{stored}");
        assert_eq!(stored["status"], "accepted", "{stored}");
    }
    // A sees all forty, its own and B's, each once, in id order.
    let mut ids = Vec::new();
    while ids.len() < 40 {
        let published = tokio::time::timeout(Duration::from_secs(5), on_a.recv())
            .await
            .expect("A publishes every event within 5 s")
            .expect("A's hub is open");
        ids.push(published.update.item.id);
    }
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "published once each, in id order");
}
