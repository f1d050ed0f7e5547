//! ElevenLabs' post-call webhooks through the real route: a call read
//! whole from its transcript, its audio played from the delivery that
//! carried it, and its signature checked — the one calltrail makes
//! accepted by ElevenLabs' own SDK (PyPI `elevenlabs`, which `.ci/test`
//! installs), tampered and stale ones refused and logged.

use axum::http::StatusCode;
use sqlx::SqlitePool;

use crate::common::{self, app_with, exchange, get, send};
use crate::platforms::{fixture, keys, request, said, timeline};
use calltrail::model::{CallStatus, DeliveryOutcome, EventDetail};
use calltrail::server::app::platforms::elevenlabs::proof;
use calltrail::server::store::now_ms;
use calltrail::server::store::prelude::*;

const CALL: &str = "conv_01jxjaqmdmqrz32vgz2eqq5vc8";
const SECRET: &str = "wsec_7c1f0a9e3b5d4c2a8e6f1b0d9c7a5e3f";

/// `body` signed at `at_ms` as calltrail's simulator signs it.
fn signed(body: &str, at_ms: i64) -> String {
    let keys = keys(&["--elevenlabs-secret", SECRET]);
    proof::sign(&keys, at_ms, body.as_bytes()).remove(0).1
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn a_signed_transcript_reads_as_the_call_and_its_audio_plays(pool: SqlitePool) {
    let app = app_with(pool, |c| {
        c.webhook.platform_keys = keys(&["--elevenlabs-secret", SECRET]);
    })
    .await;
    let body = fixture("elevenlabs", "post_call_transcription");
    let header = signed(&body, now_ms());
    // ElevenLabs' own SDK accepts the header calltrail makes.
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/elevenlabs_verify.py");
    let out = common::run_python(
        &[script, SECRET, &header],
        &body,
        "ElevenLabs' SDK refused the signature (pip install elevenlabs; .ci/test does)",
    );
    assert_eq!(
        String::from_utf8(out).unwrap().trim(),
        "post_call_transcription"
    );

    let sig = |v: &str| vec![("ElevenLabs-Signature", v.to_string())];
    let (status, answer) = send(&app, request("elevenlabs", &body, &sig(&header))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let items = timeline(&app, CALL).await;
    let said = said(&items);
    assert_eq!(said.len(), 6, "{said:?}");
    assert!(said[1].contains("order, A-1042"));
    assert!(items.iter().any(|i| matches!(
        &i.detail,
        EventDetail::ToolCall { function, response: Some(r), error: None, .. }
            if function == "lookup_order" && r["tracking_number"] == "1Z999AA10123456784"
    )));
    assert!(items
        .iter()
        .any(|i| matches!(i.detail, EventDetail::Interruption { .. })));
    let call = app.state.store.call(CALL).await.unwrap().unwrap();
    assert_eq!(call.status, CallStatus::Ended);
    assert_eq!(call.cost, Some(412.0));
    assert_eq!(call.caller.as_deref(), Some("+16505550199"));
    assert_eq!(call.agent.as_deref(), Some("Northwind Support (Ava)"));

    // The audio comes apart, and plays from the call's recording link.
    let audio = fixture("elevenlabs", "post_call_audio");
    let (status, _) = send(
        &app,
        request("elevenlabs", &audio, &sig(&signed(&audio, now_ms()))),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let call = app.state.store.call(CALL).await.unwrap().unwrap();
    let link = call.recording_url.expect("the call has its recording");
    let (status, headers, bytes) = exchange(&app, get(&link, &app.cookie)).await;
    assert_eq!(status, StatusCode::OK, "{link}");
    assert_eq!(headers["content-type"], "audio/mpeg");
    assert!(bytes.starts_with("ID3"), "an MP3 with its ID3 tag");
    // Only for signed-in people, as the call is.
    let (status, _, _) = exchange(&app, get(&link, "")).await;
    assert_ne!(status, StatusCode::OK);
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn tampered_and_stale_elevenlabs_deliveries_are_refused_and_logged(pool: SqlitePool) {
    let app = app_with(pool, |c| {
        c.webhook.platform_keys = keys(&["--elevenlabs-secret", SECRET]);
    })
    .await;
    let body = fixture("elevenlabs", "call_initiation_failure");
    let sig = |v: String| vec![("ElevenLabs-Signature", v)];
    let tampered = body.replace("busy", "no-answer");
    let (status, _) = send(
        &app,
        request("elevenlabs", &tampered, &sig(signed(&body, now_ms()))),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let stale = signed(&body, now_ms() - 31 * 60 * 1000);
    let (status, _) = send(&app, request("elevenlabs", &body, &sig(stale))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = send(
        &app,
        request("elevenlabs", &body, &sig(signed(&body, now_ms()))),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let log = app.state.store.deliveries(0, 10).await.unwrap();
    let refused: Vec<String> = log
        .iter()
        .filter(|d| d.outcome == DeliveryOutcome::Rejected)
        .map(|d| d.detail.clone().unwrap_or_default())
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused[0].contains("(tolerance 1800 s)"), "{refused:?}");
    assert_eq!(
        refused[1],
        "signature: the ElevenLabs signature does not match the body"
    );
    let call = app
        .state
        .store
        .call("conv_4801k70gqzh4fv2rd8m5wz3pyt9x")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(call.ended_by.as_deref(), Some("busy"));
    assert_eq!(call.caller.as_deref(), Some("+16505550123"));
}
