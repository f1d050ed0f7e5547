//! Vapi and Retell on their own routes: their histories and transcripts
//! become the same timeline items as Infer's, each stored once however often
//! it is re-sent; their signatures are checked, and refusals logged.

use crate::common;
use crate::common::{app, app_with, send, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use sqlx::SqlitePool;

use calltrail::model::{CallStatus, DeliveryOutcome, EventDetail, Role, TimelineItem};
use calltrail::server::app::platforms::retell::proof::signature as retell_signature;
use calltrail::server::app::platforms::vapi::proof::signature as vapi_signature;
use calltrail::server::cli;
use calltrail::server::config::{PlatformKeys, Secret};
use calltrail::server::store::now_ms;
use calltrail::server::store::prelude::*;

const VAPI_CALL: &str = "5b6f2c1e-8a43-4d7f-9e21-3c0a7d94b1f6";
const RETELL_CALL: &str = "call_5e1a9c7d3b2f4e60a8d1c4b7e9f2";

pub(crate) fn fixture(platform: &str, name: &str) -> String {
    let path = format!(
        "{}/src/server/app/platforms/{platform}/fixtures/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

pub(crate) fn request(platform: &str, body: &str, headers: &[(&str, String)]) -> Request<Body> {
    let mut request =
        Request::post(format!("/webhooks/{platform}")).header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    request.body(Body::from(body.to_string())).unwrap()
}

pub(crate) async fn deliver(app: &TestApp, platform: &str, name: &str) -> (StatusCode, Value) {
    send(app, request(platform, &fixture(platform, name), &[])).await
}

pub(crate) async fn timeline(app: &TestApp, call: &str) -> Vec<TimelineItem> {
    app.state.store.timeline(call).await.unwrap()
}

pub(crate) fn said(items: &[TimelineItem]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| match &i.detail {
            EventDetail::Message { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_growing_vapi_history_yields_each_message_once_in_order(pool: SqlitePool) {
    let app = app(pool).await;
    let (status, body) = deliver(&app, "vapi", "conversation-update-1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "accepted");
    let first = said(&timeline(&app, VAPI_CALL).await);
    assert_eq!(first.len(), 4, "{first:?}");

    let (status, body) = deliver(&app, "vapi", "conversation-update-2").await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("accepted"))
    );
    // The same history again adds nothing.
    let (_, body) = deliver(&app, "vapi", "conversation-update-2").await;
    assert_eq!(body["status"], "duplicate");
    deliver(&app, "vapi", "end-of-call-report").await;

    let items = timeline(&app, VAPI_CALL).await;
    let texts = said(&items);
    let mut unique = texts.clone();
    unique.dedup();
    assert_eq!(texts, unique, "no message twice");
    assert_eq!(texts[..4], first[..], "the first messages keep their place");
    assert!(texts.len() > 6, "{texts:?}");
    let times: Vec<i64> = items.iter().map(|i| i.occurred_at).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));

    // One tool call, with its arguments and result; one report.
    let tools: Vec<&TimelineItem> = items
        .iter()
        .filter(|i| matches!(&i.detail, EventDetail::ToolCall { function, .. } if function == "lookup_order"))
        .collect();
    assert_eq!(tools.len(), 1, "{items:#?}");
    let call = app.state.store.call(VAPI_CALL).await.unwrap().unwrap();
    assert_eq!(call.source, "vapi");
    assert_eq!(call.status, CallStatus::Ended);
    assert_eq!(call.end_reason.as_deref(), Some("customer-ended-call"));
    assert_eq!(
        call.cost,
        Some(0.1307),
        "the report's cost, kept for the list"
    );
    assert!(call.summary.as_deref().unwrap().contains("NW48217"));
    assert_eq!(call.n_tool_calls, 1);
    // Who was on the call, from the deliveries' customer and phone line.
    assert_eq!(call.caller.as_deref(), Some("+14155550142"));
    assert_eq!(call.agent.as_deref(), Some("Northwind Support Line"));

    // A message's raw JSON is its own part of the history, not the whole.
    let first_raw: Value = serde_json::from_str(&items[0].raw).unwrap();
    assert!(first_raw.get("role").is_some(), "{first_raw}");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn vapi_messages_map_to_timeline_items_and_status_lines(pool: SqlitePool) {
    let app = app(pool).await;
    for name in [
        "status-update-in-progress",
        "tool-calls",
        "tool-calls-with-tool",
        "hang",
        "transfer-update",
        "user-interrupted",
        "speech-update",
        "status-update-ended",
    ] {
        let (status, body) = deliver(&app, "vapi", name).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
    }
    let mut kinds: Vec<&str> = timeline(&app, VAPI_CALL)
        .await
        .iter()
        .map(|i| i.detail.kind())
        .collect::<Vec<_>>();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        vec![
            "end",
            "hang",
            "interruption",
            "signal",
            "signal",
            "tool_request",
            "transfer",
        ],
        "the two tool-calls shapes are one request; status and speech updates are kept"
    );
    let call = app.state.store.call(VAPI_CALL).await.unwrap().unwrap();
    assert_eq!(call.ended_by.as_deref(), Some("customer-ended-call"));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_retell_call_reads_in_time_order_with_tools_transfer_end_and_report(pool: SqlitePool) {
    let app = app(pool).await;
    for name in [
        "call_started",
        "transcript_updated",
        "transfer_started",
        "transfer_cancelled",
        "call_ended",
        "call_analyzed",
    ] {
        let (status, body) = deliver(&app, "retell", name).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
    }
    // Retell retries: the same delivery again is a duplicate.
    let (_, body) = deliver(&app, "retell", "call_ended").await;
    assert_eq!(body["status"], "duplicate");

    let items = timeline(&app, RETELL_CALL).await;
    let texts = said(&items);
    let mut unique = texts.clone();
    unique.dedup();
    assert_eq!(texts, unique, "the transcript's turns, once each");
    assert_eq!(
        items[1].detail,
        EventDetail::Message {
            role: Role::Agent,
            text: "Thanks for calling Northwind Outfitters, this is Ava. How can I help you today?"
                .into()
        },
        "after the start, the first turn"
    );
    let kinds: Vec<&str> = items.iter().map(|i| i.detail.kind()).collect();
    let request = kinds.iter().position(|k| *k == "tool_request").unwrap();
    assert_eq!(kinds[request + 1], "tool_call");
    assert_eq!(kinds.iter().filter(|k| **k == "tool_call").count(), 1);
    assert!(kinds.contains(&"transfer"));
    let last_turn = kinds.iter().rposition(|k| *k == "message").unwrap();
    let end = kinds.iter().position(|k| *k == "end").unwrap();
    let report = kinds.iter().position(|k| *k == "report").unwrap();
    assert!(end > last_turn && report > last_turn, "{kinds:?}");

    let call = app.state.store.call(RETELL_CALL).await.unwrap().unwrap();
    assert_eq!(call.source, "retell");
    assert_eq!(call.ended_by.as_deref(), Some("user_hangup"));
    // Retell's cents, in dollars.
    assert!((call.cost.unwrap() - 0.191).abs() < 1e-9, "{:?}", call.cost);
    // The transfer was cancelled: the call ended as the caller ended it.
    assert_eq!(call.status, CallStatus::Ended);
    assert_eq!(call.n_transfers, 1);
    let page = format!("/calls/{RETELL_CALL}");
    let (status, _, html) = common::exchange(&app, common::get(&page, &app.cookie)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let html = html.replace("<!>", "");
    assert!(html.contains("the caller hung up"), "{html}");
    let (_, _, list) = common::exchange(&app, common::get("/", &app.cookie)).await;
    assert!(
        list.contains(">$0.19<"),
        "the list shows the cost in dollars: {list:.3000}"
    );
    assert!(
        html.contains("Warm transfer not answered or cancelled"),
        "{html}"
    );
    assert!(
        html.contains("inbound call started from +14155550142"),
        "{html}"
    );
    assert!(!html.contains("not recognised"), "{html}");
    assert!(!html.contains(">transferred<"), "{html}");
    assert!(call.summary.is_some());
    assert_eq!(call.started_at, 1_777_652_404_512);
    assert_eq!(call.caller.as_deref(), Some("+14155550142"));
    assert_eq!(call.agent.as_deref(), Some("Northwind Support (Ava)"));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_retell_call_that_never_connected_shows_with_its_reason(pool: SqlitePool) {
    let app = app(pool).await;
    deliver(&app, "retell", "call_ended_not_connected").await;
    let call = app
        .state
        .store
        .call("call_b7d40e2f9c1a4e8d6f3a0b5c7e91")
        .await
        .unwrap()
        .expect("the call exists");
    assert_eq!(call.status, CallStatus::Ended);
    assert_eq!(call.ended_by.as_deref(), Some("dial_no_answer"));
    // An outbound call: the person is the number it rang.
    assert_eq!(call.caller.as_deref(), Some("+14155550177"));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn retell_signatures_verify_and_tampered_ones_are_refused_and_logged(pool: SqlitePool) {
    let app = app_with(pool, |c| {
        c.webhook.platform_keys = keys(&["--retell-api-key", "key_retell_webhook_badge"]);
    })
    .await;
    let body = fixture("retell", "call_started");
    let signed = retell_signature("key_retell_webhook_badge", now_ms(), body.as_bytes());
    let header = |v: &str| vec![("x-retell-signature", v.to_string())];

    let (status, answer) = send(&app, request("retell", &body, &header(&signed))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let tampered = body.replace("phone_call", "web_call");
    let (status, _) = send(&app, request("retell", &tampered, &header(&signed))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = send(&app, request("retell", &body, &[])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let wrong_key = retell_signature("another-key", now_ms(), body.as_bytes());
    let (status, _) = send(&app, request("retell", &body, &header(&wrong_key))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let log = app.state.store.deliveries(0, 10).await.unwrap();
    let refused: Vec<String> = log
        .iter()
        .filter(|d| d.outcome == DeliveryOutcome::Rejected)
        .map(|d| d.detail.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        refused,
        vec![
            "signature: the Retell signature does not match the body".to_string(),
            "signature: the x-retell-signature header is missing".to_string(),
            "signature: the Retell signature does not match the body".to_string(),
        ]
    );
    assert!(log.iter().all(|d| d.source == "retell"));
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn vapi_secrets_and_hmac_signatures_are_checked(pool: SqlitePool) {
    let app = app_with(pool, |c| {
        c.webhook.platform_keys = keys(&[
            "--vapi-secret=vapi-shared-secret",
            "--vapi-hmac-secret=vapi-hmac-secret",
        ]);
    })
    .await;
    let body = fixture("vapi", "hang");
    let stamp = now_ms().to_string();
    let good = vec![
        ("x-vapi-secret", "vapi-shared-secret".to_string()),
        ("x-timestamp", stamp.clone()),
        (
            "x-signature",
            vapi_signature("vapi-hmac-secret", &stamp, body.as_bytes()),
        ),
    ];
    let (status, answer) = send(&app, request("vapi", &body, &good)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let mut wrong_secret = good.clone();
    wrong_secret[0].1 = "guess".into();
    let (status, _) = send(&app, request("vapi", &body, &wrong_secret)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let tampered = body.replace("\"hang\"", "\"hung\"");
    let (status, _) = send(&app, request("vapi", &tampered, &good)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Infer's route is not Vapi's: its checks are its own.
    let (status, _) = send(
        &app,
        request("infer", &common::fixture("end-call.json"), &[]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_platform_body_on_the_wrong_route_says_what_the_route_takes(pool: SqlitePool) {
    let app = app(pool).await;
    let (status, body) = send(
        &app,
        request("vapi", &fixture("retell", "call_started"), &[]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.to_string()
            .contains("this route takes Vapi server messages"),
        "{body}"
    );
    let (status, _) = send(&app, request("retell", &fixture("vapi", "hang"), &[])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_platform_routes_take_the_webhook_token_like_infers(pool: SqlitePool) {
    const TOKEN: &str = "test-token-0123456789abcdef";
    let app = app_with(pool, |c| {
        c.webhook.auth = None;
        c.webhook.token = Some(Secret(TOKEN.into()));
    })
    .await;
    for (platform, name) in [("vapi", "hang"), ("retell", "call_started")] {
        let body = fixture(platform, name);
        let post = |path: String, headers: &[(&str, String)]| {
            let mut request = Request::post(path).header("content-type", "application/json");
            for (k, v) in headers {
                request = request.header(*k, v);
            }
            request.body(Body::from(body.clone())).unwrap()
        };
        // Without the token, whatever the path's spelling, nothing gets in.
        for path in [
            format!("/webhooks/{platform}"),
            format!("/webhooks/{platform}/"),
            format!("/webhooks/./{platform}"),
            format!("/webhooks/%2e/{platform}"),
            format!("/webhooks/{}", platform.to_uppercase()),
            format!("/webhooks/{platform}?token=wrong-token-0123456789"),
        ] {
            let (status, _) = send(&app, post(path.clone(), &[])).await;
            assert!(!status.is_success(), "{path}: {status}");
        }
        let call = if platform == "vapi" {
            VAPI_CALL
        } else {
            RETELL_CALL
        };
        assert!(
            timeline(&app, call).await.is_empty(),
            "{platform}: stored nothing"
        );
        let url = format!("/webhooks/{platform}?token={TOKEN}");
        assert_eq!(
            send(&app, post(url, &[])).await.0,
            StatusCode::OK,
            "{platform}"
        );
        let bearer = [("authorization", format!("Bearer {TOKEN}"))];
        let (status, body) = send(&app, post(format!("/webhooks/{platform}"), &bearer)).await;
        assert_eq!(status, StatusCode::OK, "{platform}");
        assert_eq!(
            body["status"], "duplicate",
            "the same delivery, stored once"
        );
    }
    let stored = app.state.store.deliveries(0, 100).await.unwrap();
    assert!(stored
        .iter()
        .filter(|d| d.outcome == DeliveryOutcome::Accepted)
        .all(|d| d.source == "vapi" || d.source == "retell"));
}

/// The platforms' secrets as `calltrail serve` reads them from `flags`.
pub(crate) fn keys(flags: &[&str]) -> PlatformKeys {
    let args = ["calltrail", "serve"].iter().chain(flags);
    match cli::try_parse_from(args).expect("the flags parse").command {
        Some(calltrail::server::config::Command::Serve(config)) => config.webhook.platform_keys,
        other => panic!("not `serve`: {other:?}"),
    }
}
