use super::*;
use crate::server::app::platforms::fixtures;
use crate::server::app::platforms::Platform;

fn fixture(name: &str) -> Value {
    fixtures::load("retell", name)
}

const CALL: &str = "call_5e1a9c7d3b2f4e60a8d1c4b7e9f2";
const START: i64 = 1_777_652_404_512;

#[test]
fn nine_fixtures_record_retells_events() {
    assert_eq!(fixtures::names("retell").len(), 9);
}

#[test]
fn the_ended_transcript_yields_turns_and_tool_calls_in_time_order() {
    let items = parse(&fixture("call_ended")).unwrap();
    assert!(items.iter().all(|i| i.event.call_id == CALL));
    let first = &items[0];
    assert_eq!(first.event.detail, fixtures::agent_says(fixtures::GREETING));
    // The call's start plus the first word's offset (0.62 s).
    assert_eq!(first.event.occurred_at, Some(START + 620));
    assert_eq!(first.event.seconds_from_start, Some(0.62));
    let times: Vec<i64> = items.iter().map(|i| i.event.occurred_at.unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");

    let kinds: Vec<&str> = items.iter().map(|i| i.event.detail.kind()).collect();
    let request = kinds.iter().position(|k| *k == "tool_request").unwrap();
    assert_eq!(kinds[request + 1], "tool_call", "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"end"));
    let EventDetail::ToolCall {
        function,
        arguments,
        response,
        error,
    } = &items[request + 1].event.detail
    else {
        unreachable!()
    };
    assert_eq!(function, "lookup_order");
    assert_eq!(arguments["order_id"], "NW48217");
    assert_eq!(response.as_ref().unwrap()["carrier"], "UPS");
    assert_eq!(error, &None);
    // The tool call sits after the turn before it, not at the call's start.
    assert!(items[request].event.occurred_at.unwrap() > START + 14_000);
    assert_eq!(
        items.last().unwrap().event.detail,
        EventDetail::End {
            ended_by: Some("user_hangup".into())
        }
    );
}

#[test]
fn updates_and_the_end_share_keys_so_each_turn_is_stored_once() {
    let keys = |name| fixtures::keys(Platform::from_source("retell").unwrap(), name);
    let (updated, ended) = (keys("transcript_updated"), keys("call_ended"));
    assert!(!updated.is_empty());
    for key in &updated {
        assert!(ended.contains(key), "{key} missing from call_ended");
    }
}

#[test]
fn the_analysis_becomes_the_report() {
    let items = parse(&fixture("call_analyzed")).unwrap();
    let report = items.last().unwrap();
    assert_eq!(report.key.as_deref(), Some("report"));
    let EventDetail::Report {
        summary,
        ended_reason,
        success,
        sentiment,
        cost,
        recording_url,
        duration_ms,
        turns,
        ..
    } = &report.event.detail
    else {
        panic!("{:?}", report.event.detail)
    };
    // Each utterance is timed by its first and last word.
    assert_eq!(turns[0].role, Role::Agent);
    assert_eq!(turns[0].start_ms, 620);
    assert!(turns.len() >= 10, "{}", turns.len());
    assert!(turns.iter().all(|t| t.duration_ms.is_some_and(|d| d > 0)));
    assert!(summary.as_deref().is_some_and(|s| !s.is_empty()));
    assert_eq!(ended_reason.as_deref(), Some("user_hangup"));
    assert_eq!(success.as_deref(), Some("true"));
    assert!(sentiment.is_some());
    assert!(
        cost.is_some_and(|c| c > 0.0 && c < 10.0),
        "cents become dollars: {cost:?}"
    );
    assert!(recording_url.is_some());
    assert_eq!(*duration_ms, Some(1_777_652_471_912 - START));
}

#[test]
fn a_call_that_never_connected_still_ends_with_its_reason() {
    let items = parse(&fixture("call_ended_not_connected")).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].event.call_id, "call_b7d40e2f9c1a4e8d6f3a0b5c7e91");
    assert_eq!(
        items[0].event.detail,
        EventDetail::End {
            ended_by: Some("dial_no_answer".into())
        }
    );
}

#[test]
fn each_transfer_event_is_a_stage_of_the_transfer() {
    let warm = Some("warm".to_string());
    for (name, stage, transfer_type) in [
        ("transfer_started", TransferStage::Started, warm.clone()),
        ("transfer_bridged", TransferStage::Connected, warm.clone()),
        ("transfer_cancelled", TransferStage::Cancelled, warm),
        ("transfer_ended", TransferStage::Ended, None),
    ] {
        let items = parse(&fixture(name)).unwrap();
        assert_eq!(
            items[0].event.detail,
            EventDetail::Transfer {
                transfer_type,
                destination: Some("+18885550199".into()),
                label: None,
                stage,
            },
            "{name}"
        );
    }
    let ended = parse(&fixture("transfer_ended")).unwrap();
    assert_eq!(ended[0].event.occurred_at, Some(1_777_652_496_822));
    let started = parse(&fixture("call_started")).unwrap();
    assert_eq!(started[0].event.occurred_at, Some(START));
    assert_eq!(
        started[0].event.detail,
        EventDetail::Signal {
            event_type: "call_started".into(),
            text: "inbound call started from +14155550142".into(),
            chatter: false
        }
    );
}

/// Every event Retell's documentation lists for a call webhook, and the
/// custom-function request (which has no `event`).
const DOCUMENTED: &[&str] = &[
    "call_started",
    "call_ended",
    "call_analyzed",
    "transcript_updated",
    "transfer_started",
    "transfer_bridged",
    "transfer_cancelled",
    "transfer_ended",
];

#[test]
fn every_documented_event_is_a_known_line_and_only_new_ones_are_unknown() {
    let turn = serde_json::json!([{"role": "agent", "content": "Hello", "words": [{"start": 0.5, "end": 1.0}]}]);
    for name in DOCUMENTED {
        let body = serde_json::json!({"event": name, "call": {"call_id": "c",
            "start_timestamp": START, "transcript_with_tool_calls": turn}});
        for item in parse(&body).unwrap() {
            assert!(
                !matches!(item.event.detail, EventDetail::Unknown { .. }),
                "{name} is not recognised: {:?}",
                item.event.detail
            );
        }
    }
    let function = serde_json::json!({"name": "check_order", "args": {"order": "A1"}, "call": {"call_id": "c"}});
    assert_eq!(
        parse(&function).unwrap()[0].event.detail,
        EventDetail::ToolRequest {
            function: "check_order".into(),
            arguments: serde_json::json!({"order": "A1"}),
        }
    );
    let brand_new = serde_json::json!({"event": "brand_new", "call": {"call_id": "c"}});
    assert_eq!(
        parse(&brand_new).unwrap()[0].event.detail,
        EventDetail::Unknown {
            event_type: "brand_new".into()
        }
    );
}

#[test]
fn a_transcript_beside_the_call_is_read_and_flow_steps_are_lines() {
    let body = serde_json::json!({"event": "transcript_updated", "call": {"call_id": "c", "start_timestamp": START},
        "transcript_with_tool_calls": [
            {"role": "user", "content": "Hi", "words": [{"start": 1.0, "end": 1.5}]},
            {"role": "node_transition", "former_node_name": "greeting", "new_node_name": "billing"},
        ]});
    let details: Vec<EventDetail> = parse(&body).unwrap().into_iter().map(|i| i.event.detail).collect();
    assert_eq!(
        details,
        vec![
            EventDetail::Message {
                role: Role::User,
                text: "Hi".into()
            },
            EventDetail::Signal {
                event_type: "node_transition".into(),
                text: "flow moved from greeting to billing".into(),
                chatter: false
            },
        ]
    );
}

#[test]
fn a_body_without_a_call_is_refused_with_the_reason() {
    let err = parse(&serde_json::json!({"event": "call_ended"})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no `call` object: this route takes Retell webhooks"
    );
}

#[test]
fn tool_entries_without_an_id_keep_keys_of_their_own() {
    let body = serde_json::json!({"event": "transcript_updated", "call": {"call_id": "c",
    "transcript_with_tool_calls": [
        {"role": "tool_call_result", "content": "ok"},
        {"role": "tool_call_result", "content": "ok"},
        {"role": "tool_call_result", "tool_call_id": "t1", "content": "ok"},
    ]}});
    let keys: Vec<String> = parse(&body)
        .unwrap()
        .into_iter()
        .map(|i| i.key.unwrap())
        .collect();
    assert_eq!(keys, ["tool-result:#0", "tool-result:#1", "tool-result:t1"]);
}

#[test]
fn retells_own_latency_medians_are_the_calls() {
    use crate::model::latency::{LatencyPart, PartMs};
    let items = parse(&fixture("call_analyzed")).unwrap();
    let latency = items
        .iter()
        .find_map(|i| match &i.event.detail {
            EventDetail::Latency { heard_ms, parts, .. } => Some((*heard_ms, parts.clone())),
            _ => None,
        })
        .expect("the call's latency");
    // The fixture reports e2e and llm only: the rest is not reported.
    assert_eq!(latency, (Some(812), vec![PartMs { part: LatencyPart::Llm, ms: 402 }]));
}
