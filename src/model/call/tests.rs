use super::*;
use crate::model::TransferStage;
use serde_json::json;

#[test]
fn an_unknown_stored_status_is_an_error_not_live() {
    for status in [CallStatus::Live, CallStatus::Ended, CallStatus::Transferred] {
        assert_eq!(
            CallStatus::try_from(status.as_str().to_string()),
            Ok(status)
        );
    }
    assert_eq!(
        CallStatus::try_from("paused".to_string()),
        Err("unknown call status \"paused\"".to_string())
    );
}

fn item(id: i64, at: i64, detail: EventDetail) -> TimelineItem {
    TimelineItem {
        id,
        call_id: "c1".into(),
        occurred_at: at,
        seconds_from_start: None,
        received_at: at,
        detail,
        raw: "{}".into(),
        clipped: false,
    }
}

fn message(role: Role) -> EventDetail {
    EventDetail::Message {
        role,
        text: "hi".into(),
    }
}

#[test]
fn the_headline_is_the_callers_first_words_until_a_summary_comes() {
    let said = |id, at, text: &str| {
        item(
            id,
            at,
            EventDetail::Message {
                role: Role::User,
                text: text.into(),
            },
        )
    };
    let mut call = CallSummary::new("infer", &item(1, 1_000, message(Role::Agent)));
    assert_eq!(call.headline(), None);
    call.apply(&said(3, 9_000, "second thing"));
    // Delivered late, but said first: it wins.
    call.apply(&said(2, 5_000, "My order never came"));
    call.apply(&said(4, 12_000, "third"));
    assert_eq!(call.headline(), Some("My order never came"));
    call.summary = Some("Caller chased a late order.".into());
    assert_eq!(call.headline(), Some("Caller chased a late order."));
}

#[test]
fn counts_and_start_follow_events() {
    let mut first = item(1, 10_000, message(Role::Agent));
    first.seconds_from_start = Some(1.5);
    let mut call = CallSummary::new("infer", &first);
    assert_eq!(call.started_at, 8_500);
    call.apply(&item(
        2,
        12_000,
        EventDetail::ToolCall {
            function: "f".into(),
            arguments: json!({}),
            response: Some(json!({"error": "boom"})),
            error: Some("boom".into()),
        },
    ));
    call.apply(&item(3, 13_000, message(Role::User)));
    call.apply(&item(
        4,
        14_000,
        EventDetail::Hang {
            after_seconds: Some(10.0),
            message: None,
        },
    ));
    assert_eq!(call.n_events, 4);
    assert_eq!(call.n_messages, 2);
    assert_eq!(call.n_tool_calls, 1);
    assert_eq!(call.n_tool_errors, 1);
    assert_eq!(call.n_hangs, 1);
    assert_eq!(call.last_speaker.as_deref(), Some("User"));
    assert_eq!(call.status, CallStatus::Live);
    assert_eq!(call.duration_at(20_000), 11_500);
    assert!(call.had_trouble());
}

#[test]
fn status_moves_forward_only_even_out_of_order() {
    let mut call = CallSummary::new(
        "infer",
        &item(
            1,
            50_000,
            EventDetail::End {
                ended_by: Some("user".into()),
            },
        ),
    );
    assert_eq!(call.status, CallStatus::Ended);
    // a late turn does not make the call live again, and does not move the end
    call.apply(&item(2, 40_000, message(Role::Agent)));
    assert_eq!(call.status, CallStatus::Ended);
    assert_eq!(call.ended_at, Some(50_000));
    assert_eq!(call.started_at, 40_000);
    assert_eq!(call.last_speaker.as_deref(), Some("Agent"));
    call.apply(&item(4, 30_000, message(Role::User)));
    assert_eq!(call.last_speaker.as_deref(), Some("Agent"));
    assert_eq!(call.outcome(), "ended by user");
    call.apply(&item(
        3,
        45_000,
        EventDetail::Transfer {
            transfer_type: Some("cold".into()),
            destination: None,
            label: None,
            stage: TransferStage::Done,
        },
    ));
    assert_eq!(call.status, CallStatus::Transferred);
    assert_eq!(call.ended_at, Some(50_000));
}

#[test]
fn report_fills_summary_and_duration() {
    let mut call = CallSummary::new("infer", &item(1, 1_000, message(Role::Agent)));
    call.apply(&item(
        2,
        9_000,
        EventDetail::Report {
            summary: Some("short".into()),
            transcript: None,
            recording_url: Some("https://r".into()),
            stereo_recording_url: None,
            duration_ms: Some(7_734),
            ended_reason: Some("customer-ended-call".into()),
            cost: None,
            started_at: Some(500),
            success: None,
            sentiment: None,
            turns: Vec::new(),
        },
    ));
    assert_eq!(call.started_at, 500);
    assert_eq!(call.duration_at(99_999), 7_734);
    assert_eq!(call.summary.as_deref(), Some("short"));
    assert_eq!(call.outcome(), "the caller hung up");
    assert_eq!(call.outcome_in_full(), "the caller hung up");
    assert_eq!(call.end_code(), Some("customer-ended-call"));
    call.ended_by = Some("user".into());
    assert_eq!(call.outcome_in_full(), "ended by user — the caller hung up");
    assert_eq!(call.status, CallStatus::Ended);
}

#[test]
fn a_live_call_says_what_it_waits_on_or_how_long_it_has_been_quiet() {
    let at = |id: i64, received_at: i64, detail: EventDetail| TimelineItem {
        id,
        call_id: "c".into(),
        occurred_at: received_at,
        seconds_from_start: None,
        received_at,
        detail,
        raw: "{}".into(),
        clipped: false,
    };
    let mut call = CallSummary::new(
        "vapi",
        &at(
            1,
            10_000,
            EventDetail::Message {
                role: Role::Agent,
                text: "One moment".into(),
            },
        ),
    );
    assert_eq!(call.live_state(11_000).as_deref(), Some("last: Agent"));
    assert_eq!(call.live_state(22_500).as_deref(), Some("quiet for 12 s"));
    call.apply(&at(
        2,
        20_000,
        EventDetail::ToolRequest {
            function: "lookup_order".into(),
            arguments: json!({}),
        },
    ));
    assert_eq!(
        call.live_state(24_000).as_deref(),
        Some("waiting on lookup_order for 4 s")
    );
    // Another function's result does not answer it; its own does.
    let result = |function: &str| EventDetail::ToolCall {
        function: function.into(),
        arguments: json!({}),
        response: Some(json!("ok")),
        error: None,
    };
    call.apply(&at(3, 21_000, result("other")));
    assert!(call
        .live_state(24_000)
        .unwrap()
        .starts_with("waiting on lookup_order"));
    call.apply(&at(4, 23_000, result("lookup_order")));
    assert_eq!(call.live_state(24_000).as_deref(), Some("last: Agent"));
}

#[test]
fn a_cancelled_transfer_leaves_the_call_as_it_ended() {
    let transfer = |stage| EventDetail::Transfer {
        transfer_type: Some("warm".into()),
        destination: Some("+18885550199".into()),
        label: None,
        stage,
    };
    let mut call = CallSummary::new("retell", &item(1, 1_000, message(Role::User)));
    call.apply(&item(2, 2_000, transfer(TransferStage::Started)));
    call.apply(&item(3, 3_000, transfer(TransferStage::Cancelled)));
    assert_eq!(call.status, CallStatus::Live);
    let end = EventDetail::End {
        ended_by: Some("user_hangup".into()),
    };
    call.apply(&item(4, 9_000, end));
    assert_eq!(call.status, CallStatus::Ended);
    assert_eq!(call.outcome(), "the caller hung up");
    assert_eq!(call.n_transfers, 1);

    // Bridged, or ended as a transfer, it was handed over; counted once.
    let mut bridged = CallSummary::new("retell", &item(1, 1_000, message(Role::User)));
    bridged.apply(&item(2, 2_000, transfer(TransferStage::Started)));
    bridged.apply(&item(3, 3_000, transfer(TransferStage::Connected)));
    assert_eq!(bridged.status, CallStatus::Transferred);
    assert_eq!(bridged.n_transfers, 1);
    let mut cold = CallSummary::new("retell", &item(1, 1_000, message(Role::User)));
    let end = EventDetail::End {
        ended_by: Some("call_transfer".into()),
    };
    cold.apply(&item(2, 5_000, end));
    assert_eq!(cold.status, CallStatus::Transferred);
    assert_eq!(cold.outcome(), "the agent transferred the call");
}

#[test]
fn after_a_restart_calls_quiet_since_before_it_go_stale_within_a_minute() {
    const MIN: i64 = 60_000;
    let started = 1_000 * MIN;
    // Just started: the usual 15 minutes.
    assert_eq!(stale_after(15 * MIN, started, started + 30_000), 15 * MIN);
    // Two minutes up: a call last heard before the start is stale...
    let cut = stale_after(15 * MIN, started, started + 2 * MIN);
    assert_eq!(cut, 2 * MIN);
    let mut orphan = CallSummary::new("infer", &item(1, started - MIN, message(Role::Agent)));
    orphan.last_received_at = started - MIN;
    assert!(orphan.is_stale(started + 2 * MIN, cut));
    // ...one heard since is not.
    let mut heard = orphan.clone();
    heard.last_received_at = started + MIN;
    assert!(!heard.is_stale(started + 2 * MIN, cut));
    // Up longer than the stale time: the usual rule.
    assert_eq!(stale_after(15 * MIN, started, started + 60 * MIN), 15 * MIN);
}
