//! Two calltrail instances on one PostgreSQL database, as behind a load
//! balancer: an event posted to one is published live by the other, and a
//! repeat sent to the other is recognised. Runs when the tests run on
//! PostgreSQL (`CALLTRAIL_TEST_PG`); on SQLite there is one instance per file.

use std::time::Duration;

use axum::http::StatusCode;
use tokio::sync::watch;

use crate::common::{assemble, fixture, pg, post, TestApp};
use calltrail::server::app::live::Hub;
use calltrail::server::store::prelude::*;

/// Two apps on one new database (each with its URL in `pg_url`).
pub async fn two_instances(server: &str) -> (TestApp, TestApp) {
    let url = pg::fresh_database(server).await;
    let mut apps = Vec::new();
    for _ in 0..2 {
        let (stop, stopping) = watch::channel(false);
        let hub = Hub::new(stopping);
        let store = pg::store_on(&url, hub.publisher()).await;
        let mut app = assemble(store, hub, stop, |_| {}).await;
        app.pg_url = Some(url.clone());
        apps.push(app);
    }
    let b = apps.pop().unwrap();
    (apps.pop().unwrap(), b)
}

#[tokio::test]
async fn an_event_posted_to_one_instance_is_published_live_by_the_other() {
    let Some(server) = pg::server_or_skip(
        "scale_out::an_event_posted_to_one_instance_is_published_live_by_the_other",
    ) else {
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
    let Some(server) = pg::server_or_skip(
        "scale_out::concurrent_posts_to_two_instances_keep_every_event_in_id_order",
    ) else {
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

#[tokio::test]
async fn instances_starting_together_create_one_first_account() {
    let Some(server) =
        pg::server_or_skip("scale_out::instances_starting_together_create_one_first_account")
    else {
        return;
    };
    // The same name from both (the admin of CALLTRAIL_ADMIN_USER), and two
    // names (two first-run forms sent at once): one account each time, and
    // no error for the other.
    for (name_a, name_b) in [("admin", "admin"), ("ann", "bob")] {
        let url = pg::fresh_database(&server).await;
        let a = pg::store_on(&url, std::sync::Arc::new(|_| {})).await;
        let b = pg::store_on(&url, std::sync::Arc::new(|_| {})).await;
        let (on_a, on_b) = tokio::join!(
            a.create_first_user(name_a, "hash"),
            b.create_first_user(name_b, "hash")
        );
        let created = [on_a.unwrap(), on_b.unwrap()];
        assert_eq!(created.iter().flatten().count(), 1, "{created:?}");
        let a_exists = a.user_by_name(name_a).await.unwrap().is_some();
        let b_exists = b.user_by_name(name_b).await.unwrap().is_some();
        assert!(a_exists || b_exists);
        if name_a != name_b {
            assert!(!(a_exists && b_exists), "two first accounts");
        }
    }
}

mod kill {
    //! kill -9 of the instance that forwards, while it forwards: the other
    //! instance takes the work over and every acknowledged event still
    //! reaches the destination (at least once, deduplicable by webhook-id).

    use std::collections::HashSet;
    use std::path::Path;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::post;
    use axum::Router;
    use serde_json::json;

    use super::pg;
    use calltrail::server::cli::child::{ServerProcess, TOKEN};

    /// The webhook-id of every request the destination accepted.
    type Got = Arc<Mutex<Vec<String>>>;

    async fn receive(State(got): State<Got>, headers: HeaderMap) -> StatusCode {
        // A slow receiver: forwarding is still going when the kill comes.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let id = headers["webhook-id"].to_str().unwrap().to_string();
        got.lock().unwrap().push(id);
        StatusCode::OK
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn killing_the_forwarding_instance_loses_no_event() {
        let Some(server) =
            pg::server_or_skip("scale_out::kill::killing_the_forwarding_instance_loses_no_event")
        else {
            return;
        };
        let got = Got::default();
        let sink = Router::new()
            .route("/events", post(receive))
            .with_state(got.clone());
        let base = crate::common::receiver::serve(sink).await;

        let dir = tempfile::tempdir().unwrap();
        let provision = dir.path().join("provision.toml");
        std::fs::write(
            &provision,
            format!("[[destination]]\nname = \"sink\"\nurl = \"{base}/events\"\n"),
        )
        .unwrap();
        let env = [
            ("CALLTRAIL_PROVISION", provision.to_str().unwrap()),
            ("CALLTRAIL_ALLOW_PRIVATE_DESTINATIONS", "true"),
            ("CALLTRAIL_FORWARD_RETRY_BASE_MS", "50"),
        ];
        let exe = Path::new(env!("CARGO_BIN_EXE_calltrail"));
        let url = pg::fresh_database(&server).await;
        // A starts first, so A leads the forwarding; B waits to take it over.
        let a = ServerProcess::start(exe, Path::new(&url), &env)
            .await
            .unwrap();
        let b = ServerProcess::start(exe, Path::new(&url), &env)
            .await
            .unwrap();

        let client = reqwest::Client::new();
        let mut acknowledged = HashSet::new();
        for n in 0..60 {
            let to = if n % 2 == 0 { &a.base } else { &b.base };
            let body = json!({"type": "conversation-update", "call_id": format!("kill-{}", n % 6),
                "timestamp": "2025-04-12T14:32:00Z",
                "metadata": {"role": "user", "message": format!("turn {n}"), "time": 1_744_468_320_000i64 + n}});
            let response = client
                .post(format!("{to}/webhooks/infer"))
                .bearer_auth(TOKEN)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .unwrap();
            let answer: serde_json::Value =
                serde_json::from_str(&response.text().await.unwrap()).unwrap();
            assert_eq!(answer["status"], "accepted", "{answer}");
            acknowledged.insert(format!("evt_{}", answer["event_id"].as_i64().unwrap()));
        }
        // Some forwarded, most not yet: kill the forwarding instance.
        for _ in 0..200 {
            if !got.lock().unwrap().is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        a.kill_hard().await.unwrap();
        let before_kill = got.lock().unwrap().len();
        assert!(
            before_kill < acknowledged.len(),
            "the kill came during forwarding ({before_kill} of {} sent)",
            acknowledged.len()
        );

        let mut forwarded = HashSet::new();
        for _ in 0..600 {
            forwarded = got.lock().unwrap().iter().cloned().collect();
            if forwarded.len() == acknowledged.len() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        b.stop().await.unwrap();
        assert_eq!(
            forwarded, acknowledged,
            "every acknowledged event is forwarded"
        );
    }
}

#[tokio::test]
async fn a_review_changed_on_one_instance_reaches_the_others_pages() {
    let Some(server) =
        pg::server_or_skip("scale_out::a_review_changed_on_one_instance_reaches_the_others_pages")
    else {
        return;
    };
    let (a, b) = two_instances(&server).await;
    let mut on_b = b.state.hub.subscribe_reviews();
    assert!(
        a.state.store.announce_review("call-7").await.unwrap(),
        "others hear it"
    );
    let told = tokio::time::timeout(Duration::from_secs(5), on_b.recv())
        .await
        .expect("instance B hears of it within 5 s")
        .expect("B's hub is open");
    assert_eq!(&*told, "call-7");
}
