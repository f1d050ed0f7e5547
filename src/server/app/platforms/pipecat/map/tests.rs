use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};

use crate::server::app::platforms::spans::test_support::{batches, lines, timeline, waterfalls};
use crate::server::app::platforms::spans::{map, UnmappedKind};

/// What pipecat's own tracing recorded (`fixtures/record.py`) reads as.
const EXPECTED: &[&str] = &[
    "- conversation started",
    "User: Hi there!",
    "Agent: Hi! Thanks for calling Acme Outfitters. How can I help you today?",
    "User: Can you check where my order A-1042 is?",
    r#"tool lookup_order {"order_id":"A-1042"} -> {"status":"shipped"} "#,
    "Agent: Good news: order A-1042 has shipped. It should arrive in two to three days.",
    "User: And what's your return policy?",
    "Agent: Sure. You can return most items within thirty days of delivery. Just start a return from your account page and print the prepaid label. Refunds usually reach your card within five business days after we receive the item.",
    // Cut when the agent's audio stopped, just after the caller began.
    "User: Okay, that's all, thanks. Bye!",
    "cut Agent: Sure. You can return most items within thirty days of delivery. Just start a return from your account page and print the prepaid label. Refunds usually reach your card within five business days after we receive the item.",
    "Agent: You're welcome. Have a great day, goodbye!",
    "end ",
];

#[test]
fn pipecats_own_spans_read_as_the_call() {
    let recorded = batches("pipecat", "session.json");
    assert_eq!(lines(&timeline(&recorded)), EXPECTED);
}

#[test]
fn any_order_and_a_retried_batch_read_the_same() {
    let recorded = batches("pipecat", "session.json");
    let mut shuffled: Vec<_> = recorded.iter().rev().cloned().collect();
    shuffled.rotate_left(2);
    shuffled.push(recorded[1].clone());
    assert_eq!(lines(&timeline(&shuffled)), EXPECTED);
}

#[test]
fn every_span_is_one_call_and_nothing_is_unmapped() {
    let recorded = batches("pipecat", "session.json");
    let mut calls = std::collections::BTreeSet::new();
    for batch in &recorded {
        let mapped = map(batch, 0, None);
        assert_eq!(mapped.tracer.map(|t| t.info.name.as_ref()), Some("pipecat"));
        assert_eq!(mapped.rejected, 0);
        assert_eq!(mapped.unmapped, vec![], "pipecat 1.14 sends nothing this mapper does not know");
        calls.extend(mapped.items.into_iter().map(|i| i.event.call_id));
    }
    assert_eq!(calls.len(), 1, "{calls:?}");
}

#[test]
fn a_renamed_attribute_and_a_new_span_are_reported() {
    let mut batch = batches("pipecat", "session.json").remove(0);
    let spans = &mut batch.resource_spans[0].scope_spans[0].spans;
    let stt = spans.iter_mut().find(|s| s.name == "stt").unwrap();
    for kv in &mut stt.attributes {
        if kv.key == "transcript" {
            kv.key = "stt.transcript_text".into();
        }
    }
    let mut odd = stt.clone();
    odd.name = "vad".into();
    odd.span_id = vec![7; 8];
    odd.attributes.push(KeyValue {
        key: "vad.confidence".into(),
        value: Some(AnyValue {
            value: Some(Any::DoubleValue(0.93)),
        }),
        ..KeyValue::default()
    });
    spans.push(odd);
    let mapped = map(&batch, 5, None);
    let found: Vec<(UnmappedKind, &str, i64, &str)> = mapped
        .unmapped
        .iter()
        .map(|u| (u.kind, u.name.as_str(), u.count, u.example.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (UnmappedKind::Span, "vad", 1, found[0].3),
            (UnmappedKind::Attribute, "stt.transcript_text", 2, "on stt: (text withheld, 9 characters)"),
            (UnmappedKind::Attribute, "vad.confidence", 1, "on vad: 0.93"),
        ]
    );
    // The call still reads: the other spans' events stand.
    assert!(mapped.items.iter().any(|i| matches!(
        &i.event.detail,
        crate::model::EventDetail::Message { text, .. } if text.starts_with("Hi! Thanks")
    )));
}

#[test]
fn each_answer_s_silence_is_split_into_its_parts() {
    let w = waterfalls(&batches("pipecat", "session.json"));
    // turn.user_bot_latency_seconds, and each service's metrics.ttfb on
    // the turn's stt, llm and tts spans (the first llm where a tool ran).
    assert_eq!(
        w,
        vec![
            (Some(1230), vec![("transcription", 435), ("llm", 360), ("tts", 199)]),
            (Some(1799), vec![("transcription", 402), ("llm", 330), ("tts", 217)]),
            (Some(1196), vec![("transcription", 390), ("llm", 326), ("tts", 209)]),
            (Some(1211), vec![("transcription", 394), ("llm", 329), ("tts", 202)]),
        ]
    );
}
