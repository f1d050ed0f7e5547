//! Alert rules on committed events: every kind fires exactly once per
//! condition and bumps on repeats, timed rules fire with no further event,
//! and a crash between commit and evaluation loses nothing.

use crate::common;
use crate::common::{app, app_with, post, TestApp};
use axum::http::StatusCode;
use serde_json::json;
use sqlx::SqlitePool;

use calltrail::model::{AlertState, AlertView, ChannelKind, RuleSpec};
use calltrail::server::app::alerts::{AlertHub, Runner};
use calltrail::server::config::Secret;
use calltrail::server::store::now_ms;
use calltrail::server::store::prelude::*;
use calltrail::server::store::rules::RuleSettings;
use calltrail::server::store::Store;

fn event(call: &str, kind: &str, metadata: serde_json::Value) -> String {
    json!({"type": kind, "call_id": call, "timestamp": "2025-04-12T14:32:00Z", "metadata": metadata})
        .to_string()
}

fn failing_tool(call: &str, n: u32) -> String {
    event(
        call,
        "tool-call",
        json!({"functionName": "book", "arguments": {"n": n}, "error": "timeout after 5 s"}),
    )
}

async fn runner(app: &TestApp) -> Runner {
    Runner::new(app.state.store.clone(), AlertHub::default()).await
}

async fn alerts(store: &Store) -> Vec<AlertView> {
    store.alerts(None, None, None, 0, 100).await.unwrap()
}

/// Sets the rule called `name` to `spec`, enabled, notifying `channels`.
async fn set_rule(store: &Store, name: &str, spec: RuleSpec, channels: Vec<i64>) {
    let rule = store
        .rules()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no rule {name}"));
    let settings = RuleSettings {
        name: name.into(),
        spec,
        enabled: true,
        cooldown_secs: rule.cooldown_secs,
        channels,
    };
    store.save_rule(Some(rule.id), &settings).await.unwrap();
}

async fn notifications(store: &Store) -> i64 {
    let pending = store
        .due_outbox(i64::MAX, 1000, 1000, &[], &[])
        .await
        .unwrap();
    pending.items.len() as i64
}

async fn channel(store: &Store) -> i64 {
    store
        .save_channel(
            "ops",
            ChannelKind::Webhook,
            r#"{"kind":"webhook","url":"https://hooks.example.com/x"}"#,
            now_ms(),
        )
        .await
        .unwrap()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_failing_tool_opens_one_alert_that_repeats_only_bump(pool: SqlitePool) {
    let app = app(pool).await;
    let store = &app.state.store;
    let ops = channel(store).await;
    set_rule(store, "tool-error", RuleSpec::ToolError {}, vec![ops]).await;
    let mut runner = runner(&app).await;
    for n in 0..3 {
        assert_eq!(post(&app, &failing_tool("c1", n)).await.0, StatusCode::OK);
    }
    post(&app, &failing_tool("c2", 0)).await;
    runner.catch_up().await.unwrap();
    // Evaluating again finds nothing new: the cursor moved with the alerts.
    runner.catch_up().await.unwrap();

    let alerts = alerts(store).await;
    let c1: Vec<&AlertView> = alerts
        .iter()
        .filter(|a| a.rule_name == "tool-error")
        .collect();
    assert_eq!(c1.len(), 2, "{alerts:?}");
    let first = c1
        .iter()
        .find(|a| a.call_id.as_deref() == Some("c1"))
        .unwrap();
    assert_eq!(first.count, 3);
    assert_eq!(first.state, AlertState::Open);
    assert_eq!(first.reason, "Tool book failed: timeout after 5 s");
    let opening = store.timeline("c1").await.unwrap()[0].id;
    assert_eq!(
        first.event_id,
        Some(opening),
        "the alert links the event that opened it"
    );
    assert_eq!(
        notifications(store).await,
        1,
        "one notification per issue (the same failure on two calls), not per alert or match"
    );
    assert_eq!(store.open_alerts().await.unwrap(), 2);

    // Two more in the next pass: one read of the open alert, both counted.
    for n in 3..5 {
        post(&app, &failing_tool("c1", n)).await;
    }
    runner.catch_up().await.unwrap();
    let alerts = alerts_of(store, "c1").await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].count, 5);
    assert_eq!(alerts[0].event_id, Some(opening));
    assert_eq!(notifications(store).await, 1, "bumps notify nobody");
}

async fn alerts_of(store: &Store, call: &str) -> Vec<AlertView> {
    alerts(store)
        .await
        .into_iter()
        .filter(|a| a.call_id.as_deref() == Some(call))
        .collect()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn every_event_rule_kind_fires_once_per_call(pool: SqlitePool) {
    let app = app(pool).await;
    let store = &app.state.store;
    set_rule(store, "transfer", RuleSpec::Transfer {}, vec![]).await;
    set_rule(store, "tool-loop", RuleSpec::ToolLoop { count: 3 }, vec![]).await;
    set_rule(
        store,
        "hang",
        RuleSpec::Hang {
            count: 2,
            stall_seconds: None,
        },
        vec![],
    )
    .await;
    let refunds = RuleSettings {
        name: "refunds".into(),
        spec: serde_json::from_value(json!({"kind": "match", "event": "tool-call",
            "field": "metadata.functionName", "op": "equals", "value": "refund"}))
        .unwrap(),
        enabled: true,
        cooldown_secs: 300,
        channels: vec![],
    };
    store.save_rule(None, &refunds).await.unwrap();
    let mut runner = runner(&app).await;

    // Distinct arguments: the same body twice would be one event, retried.
    let lookup = |n: u32| json!({"functionName": "lookup", "arguments": {"page": n}});
    for body in [
        event("c", "tool-call", lookup(1)),
        event("c", "tool-call", lookup(2)),
        event(
            "c",
            "hang-notification",
            json!({"triggeredAfterSeconds": 10, "message": "silent"}),
        ),
        event("c", "tool-call", lookup(3)),
        event("c", "tool-call", lookup(4)),
        event(
            "c",
            "hang-notification",
            json!({"triggeredAfterSeconds": 12, "message": "silent"}),
        ),
        event(
            "c",
            "hang-notification",
            json!({"triggeredAfterSeconds": 14, "message": "silent"}),
        ),
        event(
            "c",
            "tool-call",
            json!({"functionName": "refund", "arguments": {}}),
        ),
        event(
            "c",
            "transfer-call",
            json!({"transfer_type": "warm", "transferred_to": "+15550100"}),
        ),
        event("c", "end-call", json!({"ended_by": "pipeline-error"})),
        event("d", "end-call", json!({"ended_by": "user"})),
    ] {
        assert_eq!(post(&app, &body).await.0, StatusCode::OK);
    }
    runner.catch_up().await.unwrap();

    let mut got: Vec<(String, String, i64)> = alerts(store)
        .await
        .into_iter()
        .map(|a| (a.rule_name, a.call_id.unwrap_or_default(), a.count))
        .collect();
    got.sort();
    let want = [
        ("ended-abnormally", "c", 1),
        ("hang", "c", 2),
        ("refunds", "c", 1),
        ("tool-loop", "c", 2),
        ("transfer", "c", 1),
    ]
    .map(|(r, c, n)| (r.to_string(), c.to_string(), n));
    assert_eq!(got, want);
}

/// The runner reads events without their stored bodies unless a condition
/// needs one: a text condition reads the body of an event calltrail does not
/// understand, so such a rule alone must still make it read them.
#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_text_condition_reads_the_body_of_an_unknown_event(pool: SqlitePool) {
    let app = app(pool).await;
    let store = &app.state.store;
    let recall = RuleSettings {
        name: "recall".into(),
        spec: serde_json::from_value(
            json!({"kind": "match", "op": "contains", "value": "product recall"}),
        )
        .unwrap(),
        enabled: true,
        cooldown_secs: 300,
        channels: vec![],
    };
    store.save_rule(None, &recall).await.unwrap();
    let mut runner = runner(&app).await;
    for body in [
        event(
            "u",
            "crm-sync",
            json!({"note": "asked about the product recall"}),
        ),
        event(
            "v",
            "crm-sync",
            json!({"note": "asked about opening hours"}),
        ),
    ] {
        assert_eq!(post(&app, &body).await.0, StatusCode::OK);
    }
    runner.catch_up().await.unwrap();

    let got: Vec<(String, Option<String>)> = alerts(store)
        .await
        .into_iter()
        .filter(|a| a.rule_name == "recall")
        .map(|a| (a.rule_name, a.call_id))
        .collect();
    assert_eq!(got, [("recall".to_string(), Some("u".to_string()))]);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_stuck_call_alerts_with_no_further_event(pool: SqlitePool) {
    let app = app(pool).await;
    let store = &app.state.store;
    set_rule(
        store,
        "stuck-call",
        RuleSpec::StuckCall { seconds: 60 },
        vec![],
    )
    .await;
    let mut runner = runner(&app).await;
    post(
        &app,
        &event(
            "quiet",
            "conversation-update",
            json!({"role": "user", "message": "hello?"}),
        ),
    )
    .await;
    runner.catch_up().await.unwrap();

    runner.timed_pass_at(now_ms() + 30_000).await.unwrap();
    assert!(alerts(store).await.is_empty(), "30 s of quiet is not stuck");
    runner.timed_pass_at(now_ms() + 61_000).await.unwrap();
    runner.timed_pass_at(now_ms() + 70_000).await.unwrap();
    let got = alerts(store).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].rule_name, "stuck-call");
    assert_eq!(got[0].call_id.as_deref(), Some("quiet"));
    assert_eq!(got[0].count, 1, "the same quiet spell counts once");
    assert!(
        got[0].reason.starts_with("No event for 1m 0"),
        "{}",
        got[0].reason
    );

    // An ended call is not stuck.
    post(
        &app,
        &event("quiet", "end-call", json!({"ended_by": "user"})),
    )
    .await;
    store
        .act_on_alert(
            got[0].id,
            calltrail::server::store::alerts::AlertAction::Resolve,
            now_ms() - 600_000,
        )
        .await
        .unwrap();
    runner.timed_pass_at(now_ms() + 200_000).await.unwrap();
    assert_eq!(alerts(store).await[0].state, AlertState::Resolved);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn webhook_rules_count_refusals_and_silence(pool: SqlitePool) {
    let app = app_with(pool, |c| {
        c.webhook.auth = None;
        c.webhook.token = Some(Secret("a-token-of-enough-length-0123".into()));
    })
    .await;
    let store = &app.state.store;
    set_rule(
        store,
        "webhook-auth-failures",
        RuleSpec::WebhookAuthFailures {
            count: 3,
            minutes: 5,
        },
        vec![],
    )
    .await;
    set_rule(
        store,
        "webhook-silence",
        RuleSpec::WebhookSilence { minutes: 10 },
        vec![],
    )
    .await;
    let mut runner = runner(&app).await;
    for n in 0..2 {
        assert_eq!(
            post(&app, &failing_tool("x", n)).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    runner.timed_pass().await.unwrap();
    assert!(
        alerts(store).await.is_empty(),
        "2 refusals are below the threshold"
    );
    post(&app, &failing_tool("x", 3)).await;
    runner.timed_pass().await.unwrap();
    runner.timed_pass().await.unwrap();
    let got = alerts(store).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].rule_name, "webhook-auth-failures");
    assert_eq!(got[0].count, 3);
    assert_eq!(
        got[0].reason,
        "3 refused webhook deliveries in the last 5 min"
    );

    runner.timed_pass_at(now_ms() + 11 * 60_000).await.unwrap();
    let silence: Vec<AlertView> = alerts(store)
        .await
        .into_iter()
        .filter(|a| a.rule_name == "webhook-silence")
        .collect();
    assert_eq!(silence.len(), 1);
    assert!(
        silence[0]
            .reason
            .starts_with("No accepted webhook delivery for 11m 0"),
        "{}",
        silence[0].reason
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_crash_before_evaluation_loses_no_alert_and_repeats_none(pool: SqlitePool) {
    let app = app(pool.clone()).await;
    let ops = channel(&app.state.store).await;
    set_rule(
        &app.state.store,
        "tool-error",
        RuleSpec::ToolError {},
        vec![ops],
    )
    .await;
    // Committed, acknowledged, and then the server dies before any rule ran.
    post(&app, &failing_tool("crash", 1)).await;
    let store = common::reopen(&app, pool).await;
    drop(app);

    // The next start finds the event past the stored cursor; a second
    // runner after it (another restart) finds nothing left to do.
    for _ in 0..2 {
        let mut runner = Runner::new(store.clone(), AlertHub::default()).await;
        runner.catch_up().await.unwrap();
    }
    let got = alerts(&store).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].count, 1);
    assert_eq!(notifications(&store).await, 1);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn acknowledged_and_resolved_alerts_do_not_notify_again_until_the_cooldown(pool: SqlitePool) {
    use calltrail::server::store::alerts::AlertAction;
    let app = app(pool).await;
    let store = &app.state.store;
    let ops = channel(store).await;
    set_rule(store, "tool-error", RuleSpec::ToolError {}, vec![ops]).await;
    let mut runner = runner(&app).await;
    post(&app, &failing_tool("c", 0)).await;
    runner.catch_up().await.unwrap();
    let id = alerts(store).await[0].id;
    store
        .act_on_alert(id, AlertAction::Acknowledge, now_ms())
        .await
        .unwrap();
    post(&app, &failing_tool("c", 1)).await;
    runner.catch_up().await.unwrap();
    assert_eq!(alerts(store).await[0].state, AlertState::Acknowledged);
    assert_eq!(notifications(store).await, 1);

    store
        .act_on_alert(id, AlertAction::Resolve, now_ms())
        .await
        .unwrap();
    post(&app, &failing_tool("c", 2)).await;
    runner.catch_up().await.unwrap();
    let a = &alerts(store).await[0];
    assert_eq!(
        (a.state, a.count),
        (AlertState::Resolved, 3),
        "inside the cool-down"
    );
    assert_eq!(notifications(store).await, 1);

    // Resolved long ago: the next match opens it again and notifies.
    store
        .act_on_alert(id, AlertAction::Resolve, now_ms() - 301_000)
        .await
        .unwrap();
    post(&app, &failing_tool("c", 3)).await;
    runner.catch_up().await.unwrap();
    assert_eq!(alerts(store).await[0].state, AlertState::Open);
    assert_eq!(notifications(store).await, 2);
}

/// A rate rule: 30 % of the last 5 minutes' calls with a tool error opens
/// one alert (one notification), repeats only count, and it resolves itself
/// once healthy calls bring the share under the line.
#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_rate_rule_fires_once_over_its_line_and_resolves_under_it(pool: SqlitePool) {
    let app = app(pool).await;
    let store = &app.state.store;
    let ops = channel(store).await;
    let spec: RuleSpec =
        serde_json::from_value(json!({"kind": "rate", "of": "tool-error", "percent": 30,
            "minutes": 5, "min_calls": 5, "severity": "critical"}))
        .unwrap();
    let settings = RuleSettings {
        name: "tool errors spreading".into(),
        spec,
        enabled: true,
        cooldown_secs: 0,
        channels: vec![ops],
    };
    store.save_rule(None, &settings).await.unwrap();
    // Only the rate rule speaks here.
    for rule in store.rules().await.unwrap() {
        if rule.name != "tool errors spreading" {
            let off = RuleSettings {
                name: rule.name.clone(),
                spec: rule.spec.clone(),
                enabled: false,
                cooldown_secs: rule.cooldown_secs,
                channels: vec![],
            };
            store.save_rule(Some(rule.id), &off).await.unwrap();
        }
    }
    let healthy = |call: &str| {
        event(
            call,
            "conversation-update",
            json!({"role": "agent", "message": "Hello"}),
        )
    };
    for n in 0..7 {
        post(&app, &healthy(&format!("ok{n}"))).await;
    }
    for n in 0..2 {
        post(&app, &failing_tool(&format!("bad{n}"), 0)).await;
    }
    let mut runner = runner(&app).await;
    let t0 = now_ms();
    runner.timed_pass_at(t0).await.unwrap();
    assert!(alerts(store).await.is_empty(), "2 of 9 is under 30 %");

    post(&app, &failing_tool("bad2", 0)).await;
    runner.timed_pass_at(t0 + 16_000).await.unwrap();
    let fired = alerts(store).await;
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert_eq!(fired[0].state, AlertState::Open);
    assert_eq!(
        fired[0].reason,
        "Critical: 30% of the calls of the last 5 min had a tool error (3 of 10)"
    );
    assert_eq!(notifications(store).await, 1);

    // Still over the line: the same alert, counted, nobody notified again.
    post(&app, &failing_tool("bad3", 0)).await;
    runner.timed_pass_at(t0 + 32_000).await.unwrap();
    let again = alerts(store).await;
    assert_eq!(
        (again.len(), again[0].id, again[0].count),
        (1, fired[0].id, 4)
    );
    assert_eq!(notifications(store).await, 1);

    // Healthy calls bring it under: it resolves itself.
    for n in 7..17 {
        post(&app, &healthy(&format!("ok{n}"))).await;
    }
    runner.timed_pass_at(t0 + 48_000).await.unwrap();
    let after = alerts(store).await;
    assert_eq!(after[0].state, AlertState::Resolved, "{after:?}");
    assert_eq!(store.open_alerts().await.unwrap(), 0);
}
