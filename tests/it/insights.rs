//! `/insights` over the calls a query selects: calls per hour by outcome,
//! hangs and interruptions, tool error rate per function, latency.

use crate::common::{app, deliver, TestApp};
use serde_json::json;
use sqlx::SqlitePool;

use calltrail::model::insights::Step;
use calltrail::model::time::HOUR_MS;
use calltrail::server::{app::call_metrics, http::page_data};

/// 2026-03-14 10:00 UTC.
const T0: i64 = 1_773_482_400_000;

async fn call(app: &TestApp, id: &str, at: i64, tool_failed: Option<bool>, hang: bool) {
    let event = |kind: &str, secs: i64, metadata: serde_json::Value| json!({"type": kind, "call_id": id, "timestamp": at + secs * 1000, "metadata": metadata});
    deliver(
        app,
        event(
            "conversation-update",
            0,
            json!({"role": "user", "message": "Book me in", "secondsFromStart": 0.5}),
        ),
    )
    .await;
    if let Some(failed) = tool_failed {
        let response = if failed {
            json!({"error": "no slot"})
        } else {
            json!({"ok": true})
        };
        deliver(
            app,
            event(
                "tool-call",
                2,
                json!({"functionName": "book", "arguments": {}, "response": response}),
            ),
        )
        .await;
    }
    if hang {
        deliver(
            app,
            event("hang-notification", 3, json!({"triggeredAfterSeconds": 5})),
        )
        .await;
    }
    deliver(
        app,
        event(
            "conversation-update",
            4,
            json!({"role": "agent", "message": "Done", "secondsFromStart": 4.0}),
        ),
    )
    .await;
    deliver(app, event("end-call", 6, json!({"ended_by": "user"}))).await;
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn insights_count_per_hour_and_rate_tools(pool: SqlitePool) {
    let app = app(pool).await;
    call(&app, "a", T0 + 60_000, Some(true), true).await;
    call(&app, "b", T0 + 120_000, Some(false), false).await;
    // Over six hours apart: counted per hour (shorter spans go by minutes).
    call(&app, "c", T0 + 7 * HOUR_MS + 60_000, Some(true), false).await;
    call_metrics::catch_up(&app.state.store).await.unwrap();

    let page = page_data::insights_page(&app.state.store, None, 900_000)
        .await
        .unwrap();
    assert_eq!(page.error, None);
    assert_eq!(page.total, 3);
    assert_eq!(page.step, Step::Hour);
    // 10:00, six empty hours (drawn as zero) and 17:00.
    let calls: Vec<i64> = page.buckets.iter().map(|b| b.calls).collect();
    assert_eq!(calls, [2, 0, 0, 0, 0, 0, 0, 1]);
    assert_eq!(page.buckets[0].start, T0);
    assert_eq!(page.buckets[0].ended, 2);
    assert_eq!(page.buckets[0].hangs, 1);
    assert!(page.buckets[0].latency_p50.is_some());
    assert_eq!(page.tools.len(), 1);
    assert_eq!((page.tools[0].calls, page.tools[0].errors), (3, 2));

    let hangs = page_data::insights_page(&app.state.store, Some("has:hang".into()), 900_000)
        .await
        .unwrap();
    assert_eq!(hangs.total, 1);
    assert_eq!((hangs.tools[0].calls, hangs.tools[0].errors), (1, 1));

    let bad = page_data::insights_page(&app.state.store, Some("duration>>".into()), 900_000)
        .await
        .unwrap();
    assert!(bad.error.is_some());
    assert!(bad.buckets.is_empty());
}
