use super::*;
use crate::server::app::platforms::fixtures;
use crate::server::app::platforms::Platform;

fn fixture(name: &str) -> Value {
    fixtures::load("vapi", name)
}

const CALL: &str = "5b6f2c1e-8a43-4d7f-9e21-3c0a7d94b1f6";

fn details(name: &str) -> Vec<EventDetail> {
    let items = parse(&fixture(name)).unwrap();
    assert!(items.iter().all(|i| i.event.call_id == CALL), "{name}");
    items.into_iter().map(|i| i.event.detail).collect()
}

#[test]
fn every_fixture_is_of_the_recorded_call() {
    let names = fixtures::names("vapi");
    assert_eq!(names.len(), 12);
    for name in names {
        assert!(!details(&name).is_empty(), "{name}");
    }
}

#[test]
fn a_conversation_update_yields_its_said_messages_in_order_without_the_prompt() {
    let items = parse(&fixture("conversation-update-1")).unwrap();
    let first = &items[0];
    assert_eq!(first.event.detail, fixtures::agent_says(fixtures::GREETING));
    assert_eq!(first.event.occurred_at, Some(1_777_647_901_130));
    assert_eq!(first.event.seconds_from_start, Some(0.92));
    assert_eq!(first.key.as_deref(), Some("msg:agent:1777647901130"));
    let times: Vec<i64> = items.iter().filter_map(|i| i.event.occurred_at).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
}

#[test]
fn a_growing_history_repeats_the_keys_of_what_it_had() {
    let keys = |name| fixtures::keys(Platform::from_source("vapi").unwrap(), name);
    let (one, two) = (keys("conversation-update-1"), keys("conversation-update-2"));
    assert!(two.len() > one.len());
    assert_eq!(
        two[..one.len()],
        one[..],
        "the older part keeps its keys and order"
    );
}

#[test]
fn a_tool_result_in_the_history_carries_its_request_arguments() {
    let items = details("conversation-update-2");
    let result = items
        .iter()
        .find(|d| matches!(d, EventDetail::ToolCall { .. }))
        .expect("a tool call with its result");
    let EventDetail::ToolCall {
        function,
        arguments,
        response,
        error,
    } = result
    else {
        unreachable!()
    };
    assert_eq!(function, "lookup_order");
    assert_eq!(arguments["order_id"], "NW48217");
    assert_eq!(response.as_ref().unwrap()["status"], "out_for_delivery");
    assert_eq!(error, &None);
}

#[test]
fn tool_calls_come_from_either_list_with_object_or_string_arguments() {
    for name in ["tool-calls", "tool-calls-with-tool"] {
        let items = parse(&fixture(name)).unwrap();
        assert_eq!(items.len(), 1, "{name}");
        assert_eq!(
            items[0].key.as_deref(),
            Some("tool:call_Qm3vT8nLr2XkP4aW9sDy6hFj")
        );
        assert_eq!(
            items[0].event.detail,
            EventDetail::ToolRequest {
                function: "lookup_order".into(),
                arguments: serde_json::json!({"order_id": "NW48217"}),
            },
            "{name}"
        );
    }
}

#[test]
fn the_report_reads_its_reason_summary_recording_and_cost() {
    let items = parse(&fixture("end-of-call-report")).unwrap();
    assert_eq!(items[0].key.as_deref(), Some("report"));
    let EventDetail::Report {
        summary,
        ended_reason,
        recording_url,
        cost,
        success,
        duration_ms,
        turns,
        ..
    } = &items[0].event.detail
    else {
        panic!("{:?}", items[0].event.detail)
    };
    // The artifact's turns, timed: the bot spoke first, from 0.92 s for 4.22 s.
    assert_eq!(turns[0].role, Role::Agent);
    assert_eq!(
        (turns[0].start_ms, turns[0].duration_ms),
        (920, Some(4_220))
    );
    assert_eq!(turns[1].role, Role::User);
    assert_eq!(
        (turns[1].start_ms, turns[1].duration_ms),
        (6_400, Some(3_810))
    );
    assert!(summary
        .as_deref()
        .unwrap()
        .starts_with("The caller asked about order NW48217"));
    assert_eq!(ended_reason.as_deref(), Some("customer-ended-call"));
    assert!(recording_url.as_deref().unwrap().starts_with("https://"));
    assert_eq!(*cost, Some(0.1307));
    assert_eq!(success.as_deref(), Some("true"));
    assert!(duration_ms.unwrap() > 50_000);
    // The artifact's messages come too (stored only where new).
    assert!(items.len() > 10);
    assert!(items[1..].iter().all(|i| i
        .key
        .as_deref()
        .is_some_and(|k| k.starts_with("msg:") || k.starts_with("tool"))));
}

#[test]
fn other_messages_map_to_their_items() {
    assert!(matches!(details("hang")[..], [EventDetail::Hang { .. }]));
    assert_eq!(
        details("user-interrupted"),
        vec![EventDetail::Interruption {
            text: String::new(),
            at_seconds: None,
            who: Some(Role::Agent)
        }]
    );
    assert_eq!(
        details("status-update-ended"),
        vec![EventDetail::End {
            ended_by: Some("customer-ended-call".into())
        }]
    );
    assert_eq!(
        details("transfer-update"),
        vec![EventDetail::Transfer {
            transfer_type: Some("assistant".into()),
            destination: Some("Returns Specialist".into()),
            label: Some("Handles returns and exchanges".into()),
            stage: TransferStage::Done,
        }]
    );
}

#[test]
fn status_speech_and_transfer_requests_become_known_lines() {
    assert_eq!(
        details("status-update-in-progress"),
        vec![EventDetail::Signal {
            event_type: "status-update".into(),
            text: "call connected".into(),
            chatter: false
        }]
    );
    assert_eq!(
        details("speech-update"),
        vec![EventDetail::Signal {
            event_type: "speech-update".into(),
            text: "Agent started speaking (turn 3)".into(),
            chatter: true
        }]
    );
    assert_eq!(
        details("transfer-destination-request"),
        vec![EventDetail::Transfer {
            transfer_type: None,
            destination: None,
            label: None,
            stage: TransferStage::Requested,
        }]
    );
    let forwarding = serde_json::json!({"message": {"type": "status-update", "status": "forwarding",
        "call": {"id": "c1"}, "destination": {"type": "number", "number": "+18885550199"}}});
    assert_eq!(
        parse(&forwarding).unwrap()[0].event.detail,
        EventDetail::Transfer {
            transfer_type: Some("number".into()),
            destination: Some("+18885550199".into()),
            label: None,
            stage: TransferStage::Started,
        }
    );
}

/// Every server message type in Vapi's documentation (the `ServerMessage`
/// union of its API reference, and the `serverMessages` names).
const DOCUMENTED: &[&str] = &[
    "assistant-request",
    "assistant.started",
    "assistant.speechStarted",
    "call.artifact.upload",
    "call.delete.failed",
    "call.deleted",
    "call.endpointing.request",
    "campaign.predial",
    "chat.created",
    "chat.deleted",
    "conversation-update",
    "end-of-call-report",
    "function-call",
    "handoff-destination-request",
    "hang",
    "knowledge-base-request",
    "language-change-detected",
    "language-changed",
    "model-output",
    "phone-call-control",
    "session.created",
    "session.deleted",
    "session.updated",
    "speech-update",
    "status-update",
    "tool-calls",
    "transcript",
    "transcript[transcriptType=\"final\"]",
    "transfer-destination-request",
    "transfer-update",
    "user-interrupted",
    "voice-input",
    "voice-request",
];

#[test]
fn every_documented_type_is_a_known_line_and_only_new_ones_are_unknown() {
    for kind in DOCUMENTED {
        let body = serde_json::json!({"message": {"type": kind, "call": {"id": "c1"}, "status": "ringing"}});
        for item in parse(&body).unwrap() {
            assert!(
                !matches!(item.event.detail, EventDetail::Unknown { .. }),
                "{kind} is not recognised: {:?}",
                item.event.detail
            );
        }
    }
    let brand_new = serde_json::json!({"message": {"type": "brand-new-type", "call": {"id": "c1"}}});
    let items = parse(&brand_new).unwrap();
    assert_eq!(items[0].key, None);
    assert_eq!(
        items[0].event.detail,
        EventDetail::Unknown {
            event_type: "brand-new-type".into()
        }
    );
}

#[test]
fn a_body_without_the_envelope_or_call_id_is_refused_with_the_reason() {
    let err = parse(&serde_json::json!({"type": "hang"})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no `message` object: this route takes Vapi server messages"
    );
    let err = parse(&serde_json::json!({"message": {"type": "hang", "call": {}}})).unwrap_err();
    assert_eq!(err, ParseError::CallId("the field is missing"));
}

#[test]
fn tool_results_without_an_id_keep_keys_of_their_own() {
    let body = serde_json::json!({"message": {"type": "conversation-update", "call": {"id": "c"}, "messages": [
        {"role": "tool_call_result", "name": "a", "result": "ok", "time": 1000},
        {"role": "tool_call_result", "name": "b", "result": "ok", "time": 2000},
        {"role": "tool_call_result", "toolCallId": "t1", "result": "ok", "time": 3000},
    ]}});
    let keys: Vec<String> = parse(&body)
        .unwrap()
        .into_iter()
        .map(|i| i.key.unwrap())
        .collect();
    assert_eq!(
        keys,
        ["tool-result:@1000", "tool-result:@2000", "tool-result:t1"]
    );
}
