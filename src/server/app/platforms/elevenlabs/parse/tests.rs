use serde_json::{json, Value};

use super::parse;
use crate::model::{EventDetail, Role};
use crate::server::app::platforms::fixtures::load;

fn details(body: &Value) -> Vec<EventDetail> {
    parse(body).unwrap().into_iter().map(|i| i.event.detail).collect()
}

#[test]
fn the_transcript_becomes_turns_tools_the_cut_and_the_end() {
    let body = load("elevenlabs", "post_call_transcription");
    let items = parse(&body).unwrap();
    let start = 1_749_740_671_000;
    assert!(items.iter().all(|i| i.event.call_id == "conv_01jxjaqmdmqrz32vgz2eqq5vc8"));
    let said: Vec<(Role, &str, i64)> = items
        .iter()
        .filter_map(|i| match &i.event.detail {
            EventDetail::Message { role, text } => {
                Some((role.clone(), text.as_str(), i.event.occurred_at.unwrap() - start))
            }
            _ => None,
        })
        .collect();
    assert_eq!(said.len(), 6, "{said:?}");
    assert_eq!(said[0].0, Role::Agent);
    assert!(said[1].1.contains("A-1042") && said[1].0 == Role::User && said[1].2 == 5_000);
    assert_eq!(said[0].2, 0);
    let tool = items
        .iter()
        .find_map(|i| match &i.event.detail {
            EventDetail::ToolCall { function, arguments, response, error } => {
                Some((function, arguments, response, error, i.key.clone()))
            }
            _ => None,
        })
        .expect("the tool call with its result");
    assert_eq!(tool.0, "lookup_order");
    assert_eq!(tool.1, &json!({"order_id": "A-1042"}));
    assert_eq!(tool.2.as_ref().unwrap()["carrier"], "UPS");
    assert_eq!(tool.3, &None);
    assert_eq!(tool.4.as_deref(), Some("tool:lookup_order_87149a14378f4619e34ec75933207557"));
    let cut = items
        .iter()
        .find(|i| matches!(i.event.detail, EventDetail::Interruption { .. }))
        .expect("the interrupted answer");
    // Cut when the caller's next row began, 24 s in.
    assert_eq!(cut.event.occurred_at, Some(start + 24_000));
    let EventDetail::End { ended_by } = &items[items.len() - 2].event.detail else {
        panic!("the end before the report")
    };
    assert_eq!(ended_by.as_deref(), Some("Call ended by remote party"));
    let EventDetail::Report { cost, success, duration_ms, summary, .. } = &items.last().unwrap().event.detail else {
        panic!("the report last")
    };
    assert_eq!((*cost, success.as_deref(), *duration_ms), (Some(412.0), Some("success"), Some(31_000)));
    assert!(summary.as_deref().unwrap().contains("A-1042"));
    let keys: std::collections::HashSet<_> = items.iter().map(|i| i.key.clone().unwrap()).collect();
    assert_eq!(keys.len(), items.len(), "every event has its own key");
}

#[test]
fn a_failed_tool_and_a_call_never_answered() {
    let body = json!({"type": "post_call_transcription", "data": {
        "conversation_id": "conv_1",
        "metadata": {"start_time_unix_secs": 1_700_000_000, "call_duration_secs": 9},
        "transcript": [
            {"role": "agent", "message": null, "time_in_call_secs": 2,
             "tool_calls": [{"request_id": "r1", "tool_name": "book", "params_as_json": "{\"at\": 3}"}]},
            {"role": "agent", "message": null, "time_in_call_secs": 3,
             "tool_results": [{"request_id": "r1", "tool_name": "book", "result_value": "slot taken", "is_error": true}]},
            {"role": "agent", "message": null, "time_in_call_secs": 4,
             "tool_calls": [{"request_id": "r2", "tool_name": "hangup", "params_as_json": "{}"}]},
        ]}});
    let d = details(&body);
    assert!(d.contains(&EventDetail::ToolCall {
        function: "book".into(),
        arguments: json!({"at": 3}),
        response: Some(json!("slot taken")),
        error: Some("slot taken".into()),
    }));
    assert!(d.contains(&EventDetail::ToolRequest { function: "hangup".into(), arguments: json!({}) }));
    let failed = details(&load("elevenlabs", "call_initiation_failure"));
    assert_eq!(failed[1], EventDetail::End { ended_by: Some("busy".into()) });
    let EventDetail::Signal { text, .. } = &failed[0] else { panic!() };
    assert!(text.contains("busy") && text.contains("486"), "{text}");
}

#[test]
fn the_audio_is_the_calls_recording() {
    let d = details(&load("elevenlabs", "post_call_audio"));
    let EventDetail::Report { recording_url, .. } = &d[0] else { panic!() };
    assert_eq!(recording_url.as_deref(), Some("/recordings/elevenlabs/conv%5F01jxjaqmdmqrz32vgz2eqq5vc8"));
    let audio = super::recording(&load("elevenlabs", "post_call_audio")).unwrap();
    assert_eq!(audio.content_type, "audio/mpeg");
    assert_eq!(&audio.bytes[..3], b"ID3");
    assert_eq!(audio.bytes.len(), 2050);
}

#[test]
fn what_is_not_a_post_call_webhook_is_refused_or_kept() {
    assert!(parse(&json!([])).is_err());
    assert!(parse(&json!({"type": "post_call_audio"})).is_err());
    let d = details(&json!({"type": "something_new", "data": {"conversation_id": "c"}}));
    assert_eq!(d, vec![EventDetail::Unknown { event_type: "something_new".into() }]);
}

#[test]
fn the_opentelemetry_transcript_reads_as_the_same_call() {
    let body = load("elevenlabs", "post_call_transcription_otel");
    let items = parse(&body).unwrap();
    assert!(items.iter().all(|i| i.event.call_id == "conv_9001k1zph3fkeh5s8xg9z90swaqa"));
    let said: Vec<(Role, &str)> = items
        .iter()
        .filter_map(|i| match &i.event.detail {
            EventDetail::Message { role, text } => Some((role.clone(), text.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(said.len(), 5);
    assert_eq!(said[1], (Role::User, "Hi, I'm calling about my order, A-1042."));
    let tools: Vec<(&str, &Value, Option<&str>)> = items
        .iter()
        .filter_map(|i| match &i.event.detail {
            EventDetail::ToolCall { function, arguments, error, .. } => {
                Some((function.as_str(), arguments, error.as_deref()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        tools,
        vec![
            ("lookup_order", &json!({"order_id": "A-1042"}), None),
            ("notify_warehouse", &json!({"order_id": "A-1042"}), Some("warehouse API returned 503")),
        ]
    );
    assert!(items.iter().any(|i| i.event.detail
        == EventDetail::End { ended_by: Some("Call ended by remote party".into()) }));
    assert!(items.iter().any(|i| matches!(&i.event.detail,
        EventDetail::Latency { parts, .. } if parts.len() == 2)));
    // Keys do not use span ids (new at each export), and never collide.
    let keys: std::collections::HashSet<_> = items.iter().map(|i| i.key.clone().unwrap()).collect();
    assert_eq!(keys.len(), items.len());
    assert!(keys.iter().all(|k| k.starts_with("otel:elevenlabs.")));
    let broken = json!({"type": "post_call_transcription_otel", "data": {"conversation_id": "c", "otlp_traces": [1]}});
    assert!(parse(&broken).is_err());
}
