use super::*;
use serde_json::json;

use crate::model::ReportTurn;

fn fixture(name: &str) -> Value {
    let text = match name {
        "conversation-update" => {
            include_str!("../fixtures/conversation-update.json")
        }
        "tool-call" => include_str!("../fixtures/tool-call.json"),
        "user-interrupted" => {
            include_str!("../fixtures/user-interrupted.json")
        }
        "hang-notification" => {
            include_str!("../fixtures/hang-notification.json")
        }
        "transfer-call" => include_str!("../fixtures/transfer-call.json"),
        "end-call" => include_str!("../fixtures/end-call.json"),
        "end-of-call-report" => {
            include_str!("../fixtures/end-of-call-report.json")
        }
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).expect("fixture is JSON")
}

#[test]
fn conversation_update_uses_message_time_and_offset() {
    let e = parse(&fixture("conversation-update")).unwrap();
    assert_eq!(e.call_id, "abc123");
    assert_eq!(e.occurred_at, Some(1_744_364_970_174));
    assert_eq!(e.seconds_from_start, Some(1.4));
    assert_eq!(
        e.detail,
        EventDetail::Message {
            role: Role::Agent,
            text: "Hello, how can I help you today?".into()
        }
    );
}

#[test]
fn tool_call_without_response() {
    let e = parse(&fixture("tool-call")).unwrap();
    assert_eq!(e.occurred_at, Some(1_744_468_320_000));
    assert_eq!(
        e.detail,
        EventDetail::ToolCall {
            function: "getWeather".into(),
            arguments: json!({"location": "New York"}),
            response: None,
            error: None,
        }
    );
}

#[test]
fn tool_call_result_names_and_string_arguments() {
    for key in ["response", "result", "output"] {
        let body = json!({"type": "tool-call", "call_id": "c", "metadata": {
            "functionName": "f", "arguments": "{\"a\":1}", key: {"ok": true}}});
        let EventDetail::ToolCall {
            arguments,
            response,
            error,
            ..
        } = parse(&body).unwrap().detail
        else {
            panic!("not a tool call")
        };
        assert_eq!(arguments, json!({"a": 1}));
        assert_eq!(response, Some(json!({"ok": true})));
        assert_eq!(error, None);
    }
}

#[test]
fn tool_call_errors_are_recognised() {
    let cases = [
        (
            json!({"error": "upstream timeout after 8000 ms"}),
            Some("upstream timeout after 8000 ms"),
        ),
        (
            json!({"error": {"message": "denied", "code": 403}}),
            Some("denied"),
        ),
        (
            json!({"success": false, "message": "no slots"}),
            Some("no slots"),
        ),
        (
            json!({"status": "FAILED"}),
            Some("the tool reported a failure"),
        ),
        (json!({"error": null, "slots": []}), None),
        (json!("plain text result"), None),
    ];
    for (response, expected) in cases {
        let body = json!({"type": "tool-call", "call_id": "c", "metadata": {
            "functionName": "f", "arguments": {}, "response": response}});
        let EventDetail::ToolCall { error, .. } = parse(&body).unwrap().detail else {
            panic!("not a tool call")
        };
        assert_eq!(error.as_deref(), expected, "response {response}");
    }
}

#[test]
fn interruption_keeps_cut_text_and_point() {
    let e = parse(&fixture("user-interrupted")).unwrap();
    assert_eq!(e.seconds_from_start, Some(44.8));
    assert_eq!(
        e.detail,
        EventDetail::Interruption {
            text: "Let me help you with that.".into(),
            at_seconds: Some(44.8),
            who: None
        }
    );
}

#[test]
fn hang_transfer_and_end() {
    assert_eq!(
        parse(&fixture("hang-notification")).unwrap().detail,
        EventDetail::Hang {
            after_seconds: Some(10.0),
            message: Some("Agent paused too long after last user message".into())
        }
    );
    assert_eq!(
        parse(&fixture("transfer-call")).unwrap().detail,
        EventDetail::Transfer {
            transfer_type: Some("warm".into()),
            destination: Some("+18885551234".into()),
            label: Some("Customer Support".into()),
            stage: TransferStage::Done,
        }
    );
    assert_eq!(
        parse(&fixture("end-call")).unwrap().detail,
        EventDetail::End {
            ended_by: Some("user".into())
        }
    );
}

#[test]
fn transfer_destination_as_object_and_type_in_any_case() {
    let body = json!({"type": "transfer-call", "call_id": "c", "metadata": {
        "transfer_type": "COLD", "transferred_to": {"type": "number", "value": "+1555", "label": "Desk"}}});
    assert_eq!(
        parse(&body).unwrap().detail,
        EventDetail::Transfer {
            transfer_type: Some("cold".into()),
            destination: Some("+1555".into()),
            label: Some("Desk".into()),
            stage: TransferStage::Done,
        }
    );
}

#[test]
fn end_of_call_report_recognised_by_shape() {
    let e = parse(&fixture("end-of-call-report")).unwrap();
    assert_eq!(e.call_id, "call123");
    assert_eq!(e.occurred_at, Some(1_744_364_981_358));
    let EventDetail::Report {
        summary,
        recording_url,
        duration_ms,
        ended_reason,
        started_at,
        turns,
        ..
    } = e.detail
    else {
        panic!("not a report: {:?}", e.detail)
    };
    // The system prompt was not spoken; the bot's and the user's turns were.
    assert_eq!(
        turns,
        vec![
            ReportTurn {
                role: Role::Agent,
                start_ms: 1_440,
                duration_ms: Some(320)
            },
            ReportTurn {
                role: Role::User,
                start_ms: 4_860,
                duration_ms: Some(400)
            },
        ]
    );
    assert!(summary.unwrap().starts_with("The call was very brief"));
    assert_eq!(
        recording_url.as_deref(),
        Some("https://example.com/rec/mono.wav")
    );
    assert_eq!(duration_ms, Some(7734));
    assert_eq!(ended_reason.as_deref(), Some("customer-ended-call"));
    assert_eq!(started_at, Some(1_744_364_973_624));
}

#[test]
fn unknown_types_are_kept() {
    let body = json!({"type": "speech-started", "call_id": "c", "metadata": {"x": 1}});
    assert_eq!(
        parse(&body).unwrap().detail,
        EventDetail::Unknown {
            event_type: "speech-started".into()
        }
    );
}

#[test]
fn every_line_of_the_call_sequence_parses() {
    let text = include_str!("../fixtures/call-sequence.jsonl");
    let kinds: Vec<&str> = text
        .lines()
        .map(|l| {
            let e = parse(&serde_json::from_str(l).unwrap()).unwrap();
            assert_eq!(e.call_id, "call_7f3a9c2e");
            assert!(e.occurred_at.is_some(), "{l}");
            e.detail.kind()
        })
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "message").count(), 7);
    assert_eq!(kinds.last(), Some(&"end"));
    assert!(kinds.contains(&"tool_call") && kinds.contains(&"hang") && kinds.contains(&"transfer"));
    assert!(!kinds.contains(&"unknown"));
}

#[test]
fn bad_bodies_are_refused_with_reasons() {
    assert_eq!(parse(&json!([1, 2])), Err(ParseError::NotAnObject));
    assert_eq!(parse(&json!("text")), Err(ParseError::NotAnObject));
    assert_eq!(
        parse(&json!({"type": "end-call"})),
        Err(ParseError::CallId("the field is missing"))
    );
    assert_eq!(
        parse(&json!({"call_id": "  "})),
        Err(ParseError::CallId("it is empty"))
    );
    assert_eq!(
        parse(&json!({"call_id": {"id": 1}})),
        Err(ParseError::CallId("it must be a string"))
    );
    assert_eq!(
        parse(&json!({"call_id": "x".repeat(201)})),
        Err(ParseError::CallId("it is longer than 200 characters"))
    );
    assert_eq!(parse(&json!({"call_id": 42})).unwrap().call_id, "42");
}
