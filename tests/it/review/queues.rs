//! Review queues: a sampling rule over a query's ended calls, "Next call"
//! at each call's first problem, progress, and calls that need two reviewers.

use axum::http::StatusCode;
use sqlx::SqlitePool;

use super::{fixture_call, member, post};
use crate::common::{app, page_as, TestApp};
use calltrail::model::AccountRole;
use calltrail::server::store::prelude::*;

/// Where a "Next call" (or a review saved from a queue) leads: the call
/// and the address, or `None` when the queue has nothing for them.
fn opened(to: &str) -> Option<(String, String)> {
    if to.contains("notice=queue-empty") {
        return None;
    }
    let call = to
        .strip_prefix("/calls/")
        .and_then(|rest| rest.split(['?', '#']).next())
        .unwrap_or_else(|| panic!("a call's page, not {to}"))
        .to_string();
    Some((call, to.to_string()))
}

/// "Next call" as `cookie`.
async fn next(app: &TestApp, cookie: &str, queue: i64) -> Option<(String, String)> {
    let (status, to) = post(app, cookie, &format!("/review/queues/{queue}/next"), "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    opened(&to)
}

async fn review(app: &TestApp, cookie: &str, call: &str, queue: i64) -> String {
    let form = format!("call_id={call}&reviewed=1&score=4&queue={queue}");
    let (status, to) = post(app, cookie, "/review/verdict", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    to
}

async fn progress(app: &TestApp, queue_name: &str) -> (i64, i64) {
    let queues = app.state.store.queues(1).await.unwrap();
    let q = queues.iter().find(|q| q.name == queue_name).unwrap();
    (q.done, q.total)
}

async fn ten_calls(app: &TestApp) {
    for n in 0..10 {
        fixture_call(app, &format!("call-{n:02}")).await;
    }
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn every_second_call_of_ten_is_five_each_opened_at_its_first_problem(pool: SqlitePool) {
    let app = app(pool).await;
    ten_calls(&app).await;
    let form = "name=Tool+trouble&q=has:tool_error&sampling=every&n=2&reviews_needed=1";
    let (_, to) = post(&app, &app.cookie, "/review/queues", form).await;
    assert_eq!(to, "/review?notice=queue-added");
    let queue = app.state.store.queues(1).await.unwrap()[0].id;
    let mut seen = Vec::new();
    let mut offered = next(&app, &app.cookie, queue).await;
    while let Some((call, to)) = offered.take() {
        assert!(!seen.contains(&call), "{call} offered twice");
        // At its first problem: the failed tool call.
        let first = calltrail::server::http::page_data::first_problem(&app.state.store, &call)
            .await
            .unwrap()
            .expect("a problem");
        assert_eq!(
            to,
            format!("/calls/{call}?at={first}&queue={queue}#e{first}")
        );
        // Saving the review opens the next call.
        offered = opened(&review(&app, &app.cookie, &call, queue).await);
        seen.push(call);
        assert!(seen.len() <= 5, "offered more than 5: {seen:?}");
    }
    assert_eq!(
        seen,
        ["call-00", "call-02", "call-04", "call-06", "call-08"]
    );
    assert_eq!(progress(&app, "Tool trouble").await, (5, 5));
    let (_, page) = page_as(&app, Some(&app.cookie), "/review").await;
    assert!(page.contains("5/5"), "progress reads 5/5");
    assert!(page.contains("every 2nd call"));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_call_needing_two_reviewers_stays_until_the_second(pool: SqlitePool) {
    let app = app(pool).await;
    fixture_call(&app, "only").await;
    let form = "name=Pairs&q=&sampling=all&n=1&reviews_needed=2";
    post(&app, &app.cookie, "/review/queues", form).await;
    let queue = app.state.store.queues(1).await.unwrap()[0].id;
    let bea = member(&app, "bea", AccountRole::Editor).await;
    let (call, _) = next(&app, &app.cookie, queue).await.unwrap();
    review(&app, &app.cookie, &call, queue).await;
    assert_eq!(progress(&app, "Pairs").await, (0, 1));
    assert_eq!(
        next(&app, &app.cookie, queue).await,
        None,
        "not again for the same reviewer"
    );
    let (for_bea, _) = next(&app, &bea, queue)
        .await
        .expect("still waits for a second");
    assert_eq!(for_bea, "only");
    review(&app, &bea, "only", queue).await;
    assert_eq!(progress(&app, "Pairs").await, (1, 1));
    assert_eq!(next(&app, &bea, queue).await, None);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_queue_is_checked_before_it_is_kept(pool: SqlitePool) {
    let app = app(pool).await;
    let cases = [
        ("name=&q=&sampling=all", "queue-needs-name"),
        (
            "name=x&q=has:everything&sampling=all",
            "queue-query-invalid",
        ),
        ("name=x&q=&sampling=percent&n=101", "sampling-invalid"),
        ("name=x&q=&sampling=sometimes&n=1", "sampling-invalid"),
        (
            "name=x&q=&sampling=all&reviews_needed=11",
            "reviews-needed-invalid",
        ),
    ];
    for (form, error) in cases {
        let (_, to) = post(&app, &app.cookie, "/review/queues", form).await;
        assert!(to.contains(&format!("error={error}")), "{form}: {to}");
    }
    post(
        &app,
        &app.cookie,
        "/review/queues",
        "name=x&q=&sampling=all",
    )
    .await;
    let (_, to) = post(
        &app,
        &app.cookie,
        "/review/queues",
        "name=x&q=&sampling=all",
    )
    .await;
    assert!(to.contains("error=queue-name-taken"), "{to}");
    let (status, _) = post(
        &app,
        &member(&app, "v", AccountRole::Viewer).await,
        "/review/queues",
        "name=y",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
