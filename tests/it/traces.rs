//! `/v1/traces` with real clients: OpenTelemetry's own Python exporter
//! (`opentelemetry-exporter-otlp-proto-http`, protobuf; its encoder for
//! JSON) replays sessions recorded from LiveKit Agents and Pipecat
//! (`tests/otlp_export.py`), in shuffled batches with one sent twice, and
//! each becomes one call read in order. And the route's answers as the OTLP
//! specification has them, with every request in the delivery log.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{json, Value};
use sqlx::SqlitePool;

use crate::common::{self, app_with, exchange, get, receiver, send, TestApp};
use calltrail::model::{DeliveryOutcome, EventDetail, TimelineItem};
use calltrail::server::config::Secret;
use calltrail::server::store::prelude::*;

const TOKEN: &str = "otlp-token-0123456789abcdef";

async fn traced_app(pool: SqlitePool) -> TestApp {
    app_with(pool, |c| {
        c.webhook.auth = None;
        c.webhook.token = Some(Secret(TOKEN.into()));
    })
    .await
}

/// Sends `fixture` (a framework folder's recorded session) to `base`
/// through the real exporter; the trace id: the call's id.
async fn export(base: &str, framework: &str, file: &str, encoding: &str, gzip: bool) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/otlp_export.py");
    let fixture = format!(
        "{}/src/server/app/platforms/{framework}/fixtures/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut args = vec![
        script.to_string(),
        fixture,
        base.to_string(),
        TOKEN.to_string(),
        encoding.to_string(),
        "--seed".into(),
        "11".into(),
    ];
    if gzip {
        args.push("--gzip".into());
    }
    let out = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::run_python(
            &args,
            "",
            "the OTLP exporter failed (pip install opentelemetry-exporter-otlp-proto-http; .ci/test does)",
        )
    })
    .await
    .unwrap();
    let sent: Value = serde_json::from_slice(&out).unwrap();
    sent["trace_id"].as_str().unwrap().to_string()
}

/// A call's timeline, one line an event, fine lines left out.
fn lines(items: &[TimelineItem]) -> Vec<String> {
    items
        .iter()
        .filter(|i| !i.detail.is_chatter())
        .map(|i| match &i.detail {
            EventDetail::Message { role, text } => format!("{}: {text}", role.label()),
            EventDetail::ToolCall {
                function,
                arguments,
                response,
                ..
            } => {
                format!(
                    "tool {function} {arguments} -> {}",
                    response.clone().unwrap_or_default()
                )
            }
            EventDetail::Interruption { text, .. } => format!("cut: {text}"),
            EventDetail::End { ended_by } => {
                format!("end {}", ended_by.clone().unwrap_or_default())
            }
            EventDetail::Signal { text, .. } => format!("- {text}"),
            other => format!("{other:?}"),
        })
        .collect()
}

const LIVEKIT: &[&str] = &[
    "- session started (support_agent)",
    "Agent: Hi, thanks for calling Acme. How can I help?",
    "User: Where is my order A-1042?",
    "Agent: Let me look that up.",
    r#"tool lookup_order {"order_id":"A-1042"} -> {"status":"shipped"}"#,
    "Agent: Good news: order A-1042 has shipped and should arrive Thursday. Would you like the tracking number?",
    "User: No thanks, that's all I needed.",
    "cut: Good news: order A-1042 has shipped and should",
    "Agent: Okay, have a great day!",
];

const PIPECAT: &[&str] = &[
    "- conversation started",
    "User: Hi there!",
    "Agent: Hi! Thanks for calling Acme Outfitters. How can I help you today?",
    "User: Can you check where my order A-1042 is?",
    r#"tool lookup_order {"order_id":"A-1042"} -> {"status":"shipped"}"#,
    "Agent: Good news: order A-1042 has shipped. It should arrive in two to three days.",
    "User: And what's your return policy?",
    "Agent: Sure. You can return most items within thirty days of delivery. Just start a return from your account page and print the prepaid label. Refunds usually reach your card within five business days after we receive the item.",
    "User: Okay, that's all, thanks. Bye!",
    "cut: Sure. You can return most items within thirty days of delivery. Just start a return from your account page and print the prepaid label. Refunds usually reach your card within five business days after we receive the item.",
    "Agent: You're welcome. Have a great day, goodbye!",
    "end ",
];

fn with_end(lines: &[&str], end: &str) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.to_string())
        .chain([end.to_string()])
        .collect()
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_real_exporter_sends_livekit_and_pipecat_sessions_that_read_as_calls(pool: SqlitePool) {
    let app = traced_app(pool).await;
    let base = receiver::serve(app.router.clone()).await;
    let cases = [
        (
            "livekit",
            "session.json",
            "protobuf",
            false,
            with_end(LIVEKIT, "end participant_disconnected"),
        ),
        (
            "livekit",
            "session-1.6.json",
            "json",
            true,
            with_end(LIVEKIT, "end "),
        ),
        (
            "pipecat",
            "session.json",
            "json",
            false,
            PIPECAT.iter().map(|l| l.to_string()).collect(),
        ),
        (
            "pipecat",
            "session.json",
            "protobuf",
            true,
            PIPECAT.iter().map(|l| l.to_string()).collect(),
        ),
    ];
    for (framework, file, encoding, gzip, expected) in cases {
        let call_id = export(&base, framework, file, encoding, gzip).await;
        let items = app.state.store.timeline(&call_id).await.unwrap();
        assert_eq!(lines(&items), expected, "{framework} {file} {encoding}");
        let call = app
            .state
            .store
            .call(&call_id)
            .await
            .unwrap()
            .expect("one call");
        assert_eq!(call.source, framework);
        assert!(!call.is_live(), "the session ended");
        // The page shows the tool's arguments and result without a click.
        let (status, _, page) =
            exchange(&app, get(&format!("/calls/{call_id}"), &app.cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("A-1042") && page.contains("shipped"),
            "{framework}"
        );
    }
    // Every request is in the log; each resent batch was a duplicate.
    let log = app.state.store.deliveries(0, 200).await.unwrap();
    assert!(log.iter().all(|d| d.http_status == 200), "{log:?}");
    let duplicates = log
        .iter()
        .filter(|d| d.outcome == DeliveryOutcome::Duplicate)
        .count();
    assert_eq!(duplicates, 4, "one resent batch a session");
    assert_eq!(
        app.state.store.unmapped().await.unwrap(),
        vec![],
        "these versions are fully read"
    );
}

fn otlp(body: impl Into<Body>, content_type: &str) -> Request<Body> {
    Request::post("/v1/traces")
        .header("content-type", content_type)
        .header("authorization", format!("Bearer {TOKEN}"))
        .body(body.into())
        .unwrap()
}

/// One span of trace `trace`, OTLP/JSON.
fn span(trace: &str, id: &str, name: &str, scope: &str, attributes: Value) -> Value {
    json!({"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{
        "scope": {"name": scope},
        "spans": [{"traceId": trace, "spanId": id, "name": name, "kind": 1,
                   "startTimeUnixNano": "1796622000000000000", "endTimeUnixNano": "1796622001000000000",
                   "attributes": attributes}]}]}]})
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_route_answers_as_otlp_says_and_logs_every_request(pool: SqlitePool) {
    let app = traced_app(pool).await;
    let trace = "5b8efff798038103d269b633813fc60c";
    let said = span(
        trace,
        "eee19b7ec3c1b174",
        "user_turn",
        "livekit-agents",
        json!([
        {"key": "lk.pii.user_transcript", "value": {"stringValue": "Hello?"}}]),
    );
    let (status, answer) = send(&app, otlp(said.to_string(), "application/json")).await;
    assert_eq!(
        (status, answer.clone()),
        (StatusCode::OK, json!({})),
        "a full success"
    );
    // The same span again (an exporter's retry) is stored once.
    let (status, _) = send(&app, otlp(said.to_string(), "application/json")).await;
    assert_eq!(status, StatusCode::OK);
    let items = app.state.store.timeline(trace).await.unwrap();
    assert_eq!(lines(&items), vec!["User: Hello?"]);

    // Spans of no framework calltrail reads: 200, counted as rejected.
    let other = span(
        trace,
        "0102030405060708",
        "GET /orders",
        "opentelemetry.instrumentation.requests",
        json!([]),
    );
    let (status, answer) = send(&app, otlp(other.to_string(), "application/json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        answer["partialSuccess"]["rejectedSpans"],
        json!(1),
        "{answer}"
    );
    assert!(answer["partialSuccess"]["errorMessage"]
        .as_str()
        .unwrap()
        .contains("LiveKit Agents, Pipecat"));

    // A framework's scope with no spans, and an empty export: nothing to
    // store, said so.
    let empty_scope = json!({"resourceSpans": [{"scopeSpans": [{"scope": {"name": "livekit-agents"}, "spans": []}]}]});
    let (status, answer) = send(&app, otlp(empty_scope.to_string(), "application/json")).await;
    assert_eq!((status, answer), (StatusCode::OK, json!({})));
    let (status, answer) = send(&app, otlp("{}", "application/json")).await;
    assert_eq!((status, answer), (StatusCode::OK, json!({})));

    let (status, _) = send(&app, otlp("{", "application/json")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = send(
        &app,
        otlp(vec![0xffu8, 0xff, 0x01], "application/x-protobuf"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = send(&app, otlp(said.to_string(), "text/plain")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let big = vec![b' '; app.state.config.body_limit + 1];
    let (status, _) = send(&app, otlp(big, "application/json")).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let mut stranger = otlp(said.to_string(), "application/json");
    stranger.headers_mut().remove("authorization");
    let (status, _) = send(&app, stranger).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let log = app.state.store.deliveries(0, 20).await.unwrap();
    let seen: Vec<(i64, &str)> = log
        .iter()
        .rev()
        .map(|d| (d.http_status, d.outcome.as_str()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (200, "accepted"),
            (200, "duplicate"),
            (200, "rejected"),
            (200, "rejected"),
            (200, "rejected"),
            (400, "rejected"),
            (400, "rejected"),
            (415, "rejected"),
            (413, "rejected"),
            (401, "rejected"),
        ]
    );
    assert_eq!(log.last().unwrap().source, "livekit");
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn an_unknown_span_and_attribute_are_reported_and_the_call_still_reads(pool: SqlitePool) {
    let app = traced_app(pool).await;
    let trace = "9a8efff798038103d269b633813fc60c";
    let said = span(
        trace,
        "aaa19b7ec3c1b174",
        "user_turn",
        "livekit-agents",
        json!([
        {"key": "lk.pii.user_transcript", "value": {"stringValue": "Is anyone there?"}},
        {"key": "lk.user_transcript_v2", "value": {"stringValue": "Is anyone there?"}},
        {"key": "lk.turn.energy", "value": {"doubleValue": 0.42}}]),
    );
    let new_span = span(
        trace,
        "bbb19b7ec3c1b174",
        "backchannel",
        "livekit-agents",
        json!([]),
    );
    // The second export of the same span (a retry) is not counted again.
    for body in [said.clone(), new_span, said] {
        let (status, answer) = send(&app, otlp(body.to_string(), "application/json")).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
    let report = app.state.store.unmapped().await.unwrap();
    let names: Vec<(&str, &str, i64, &str)> = report
        .iter()
        .map(|u| {
            (
                u.kind.as_str(),
                u.name.as_str(),
                u.count,
                u.example.as_str(),
            )
        })
        .collect();
    assert!(
        names.contains(&("span", "backchannel", 1, &format!("trace {trace}"))),
        "{names:?}"
    );
    assert!(
        names.contains(&("attribute", "lk.turn.energy", 1, "on user_turn: 0.42")),
        "{names:?}"
    );
    assert!(
        names.contains(&(
            "attribute",
            "lk.user_transcript_v2",
            1,
            "on user_turn: (text withheld, 16 characters)"
        )),
        "{names:?}"
    );
    assert!(report.iter().all(|u| u.source == "livekit"));
    // The call reads what was read, and the delivery log shows the report.
    let items = app.state.store.timeline(trace).await.unwrap();
    assert_eq!(lines(&items), vec!["User: Is anyone there?"]);
    let (status, _, page) = exchange(&app, get("/deliveries", &app.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Not mapped")
            && page.contains("lk.turn.energy")
            && page.contains("backchannel")
    );
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn insights_spread_each_latency_part_over_the_calls_that_report_it(pool: SqlitePool) {
    let app = traced_app(pool).await;
    let recorded = format!(
        "{}/src/server/app/platforms/livekit/fixtures/session.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let batches: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(recorded).unwrap()).unwrap();
    for batch in batches {
        let (status, answer) = send(&app, otlp(batch.to_string(), "application/json")).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
    calltrail::server::app::call_metrics::catch_up(&app.state.store)
        .await
        .unwrap();
    let (status, _, page) = exchange(&app, get("/insights?q=source%3Alivekit", &app.cookie)).await;
    assert_eq!(status, StatusCode::OK);
    let page = page.replace("<!>", "");
    // One call: each part's p50 and p95 are its median over the answers.
    for row in [
        "the whole silence heard</td><td class=\"num\">1</td><td class=\"num\">1022 ms</td>",
        "LLM first token</td><td class=\"num\">1</td><td class=\"num\">395 ms</td>",
        "voice first byte</td><td class=\"num\">1</td><td class=\"num\">195 ms</td>",
    ] {
        assert!(page.contains(row), "{row}");
    }
    assert!(
        page.contains("<td>tool</td><td class=\"num\">0</td><td colspan=\"2\">not reported</td>")
    );
}

/// What the Connect panel tells a LiveKit or Pipecat user to set, given to
/// an exporter built with no arguments, as their code builds it.
#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_connect_panel_s_settings_are_what_the_exporter_reads(pool: SqlitePool) {
    let app = traced_app(pool).await;
    let base = receiver::serve(app.router.clone()).await;
    let info = app.state.webhook_auth.connect_info(&base);
    let env: Vec<(String, String)> = [info.traces.endpoint, info.traces.headers.unwrap()]
        .iter()
        .map(|line| {
            let (name, value) = line.split_once('=').unwrap();
            (name.to_string(), value.to_string())
        })
        .collect();
    let script = r#"
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter()))
tracer = provider.get_tracer("livekit-agents")
with tracer.start_as_current_span("user_turn") as span:
    span.set_attribute("lk.pii.user_transcript", "Can you hear me?")
    print(format(span.get_span_context().trace_id, "032x"))
provider.shutdown()
"#;
    let python = std::env::var("CALLTRAIL_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .args(["-c", script])
            .envs(env)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trace = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let items = app.state.store.timeline(&trace).await.unwrap();
    assert_eq!(lines(&items), vec!["User: Can you hear me?"]);
}

/// Where only signatures are asked for, OTLP exporters (which cannot sign)
/// must not get in unasked: the route refuses, in OTLP's own terms.
#[sqlx::test(migrations = "migrations/sqlite")]
async fn traces_are_refused_where_only_signatures_are_asked(pool: SqlitePool) {
    let app = app_with(pool, |c| {
        c.webhook.auth = Some("signature".into());
        c.webhook.secrets = Some(Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()));
    })
    .await;
    let trace = "7a8efff798038103d269b633813fc60c";
    let said = span(
        trace,
        "aaa19b7ec3c1b174",
        "user_turn",
        "livekit-agents",
        json!([]),
    );
    let request = Request::post("/v1/traces")
        .header("content-type", "application/x-protobuf")
        .body(Body::from(said.to_string()))
        .unwrap();
    let (status, headers, body) = exchange(&app, request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A google.rpc.Status, in the request's encoding (protobuf): code 16.
    assert_eq!(headers["content-type"], "application/x-protobuf");
    assert_eq!(body.as_bytes()[..2], [0x08, 16]);
    let log = app.state.store.deliveries(0, 5).await.unwrap();
    assert_eq!(log.len(), 1);
    let detail = log[0].detail.clone().unwrap_or_default();
    assert!(detail.contains("OTLP exporters cannot make"), "{detail}");
    assert!(app.state.store.timeline(trace).await.unwrap().is_empty());
}

/// With `CALLTRAIL_TRACE_CALL_ATTRIBUTE`, a span names its call: LiveKit
/// 1.8 puts the room's id on every span, so a session is the call of that
/// id — one call with what a platform's webhooks said of the same id.
#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_configured_attribute_joins_traced_spans_to_a_webhook_call(pool: SqlitePool) {
    let app = app_with(pool, |c| {
        c.webhook.auth = None;
        c.webhook.token = Some(Secret(TOKEN.into()));
        c.trace_call_attribute = Some("gen_ai.conversation.id".into());
    })
    .await;
    let room = "RM_tYx4bN2Lq8sD";
    let note = json!({"type": "conversation-update", "call_id": room,
        "timestamp": "2026-12-07T05:43:01Z",
        "metadata": {"role": "system", "message": "Transferred from the IVR"}});
    let mut webhook = crate::common::webhook(note.to_string());
    webhook
        .headers_mut()
        .insert("authorization", format!("Bearer {TOKEN}").parse().unwrap());
    let (status, answer) = send(&app, webhook).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let recorded = format!(
        "{}/src/server/app/platforms/livekit/fixtures/session.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let batches: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(recorded).unwrap()).unwrap();
    let trace = batches[0]["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["traceId"]
        .as_str()
        .unwrap()
        .to_string();
    for batch in batches {
        let (status, answer) = send(&app, otlp(batch.to_string(), "application/json")).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
    }
    let items = app.state.store.timeline(room).await.unwrap();
    let said = lines(&items);
    assert!(
        said.contains(&"System: Transferred from the IVR".to_string()),
        "{said:?}"
    );
    assert!(
        said.contains(&"User: Where is my order A-1042?".to_string()),
        "{said:?}"
    );
    assert!(
        said.contains(&"end participant_disconnected".to_string()),
        "{said:?}"
    );
    assert!(
        app.state.store.call(&trace).await.unwrap().is_none(),
        "no call under the trace id"
    );
}
