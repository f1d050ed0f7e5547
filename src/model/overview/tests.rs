use super::*;

fn item(id: i64, secs: f64, detail: EventDetail) -> TimelineItem {
    TimelineItem {
        id,
        call_id: "c".into(),
        occurred_at: 1_000_000 + (secs * 1000.0) as i64,
        seconds_from_start: Some(secs),
        received_at: 0,
        detail,
        raw: "{}".into(),
        clipped: false,
    }
}

fn says(role: Role, text: &str) -> EventDetail {
    EventDetail::Message {
        role,
        text: text.into(),
    }
}

#[test]
fn a_long_pause_between_turns_is_a_silence() {
    let items = vec![
        item(1, 0.0, says(Role::Agent, "Hello")),
        item(2, 2.0, says(Role::User, "Where is my order")),
        item(3, 14.0, says(Role::Agent, "Let me check")),
    ];
    let o = overview(&items, 1_000_000, None);
    // "Where is my order": four words, about 1.5 s, so quiet from 3.48 s to 14 s.
    assert_eq!(o.silences.len(), 1);
    let s = o.silences[0];
    assert_eq!(s.end, 14_000);
    assert!((3_400..=3_600).contains(&s.start), "{s:?}");
    assert_eq!(o.latencies.len(), 1);
    assert_eq!(o.latencies[0].0, 3);
    assert!(o.latencies[0].1.estimated);
    assert!((10_400..=10_600).contains(&o.latencies[0].1.ms));
    assert_eq!(o.span, 14_000 + MIN_TURN_MS.max(speech_ms("Let me check")));
}

#[test]
fn an_interruption_cuts_the_turn_being_spoken() {
    let long = "I can help you with that and also tell you about our offers today";
    let items = vec![
        item(1, 1.0, says(Role::Agent, long)),
        item(
            2,
            2.5,
            EventDetail::Interruption {
                text: "I can help".into(),
                at_seconds: Some(2.5),
                who: None,
            },
        ),
        item(3, 2.6, says(Role::User, "Stop")),
    ];
    let o = overview(&items, 1_000_000, None);
    let turn = o.bars.iter().find(|b| b.event_id == 1).unwrap();
    assert_eq!(turn.kind, BarKind::CutTurn);
    assert_eq!((turn.start, turn.end), (1_000, 2_500));
    assert!(o
        .bars
        .iter()
        .any(|b| b.event_id == 2 && b.kind == BarKind::Marker));
    let cut = o.notes(1).cut.expect("the turn knows its cut");
    assert_eq!(
        (cut.interruption_id, cut.at_ms, cut.spoken),
        (2, 2_500, Some(10))
    );
    assert_eq!(&long[..10], "I can help");
    assert_eq!(o.notes(2).cut_turn, Some(1));
    assert_eq!(o.notes(3), Notes::default());
}

#[test]
fn the_spoken_part_is_found_only_at_the_start() {
    assert_eq!(
        spoken_part("Which day next week", "which day next w "),
        Some(16)
    );
    assert_eq!(spoken_part("Which day", "day"), None);
    assert_eq!(spoken_part("Short", "Shorter than the turn"), None);
    assert_eq!(spoken_part("Héllo there", "Hé"), Some(3));
    assert_eq!(spoken_part("Hello", ""), None);
}

#[test]
fn hangs_span_their_silence_and_failed_tools_are_marked() {
    let items = vec![
        item(
            1,
            20.0,
            EventDetail::Hang {
                after_seconds: Some(10.0),
                message: None,
            },
        ),
        item(
            2,
            21.0,
            EventDetail::ToolCall {
                function: "lookup".into(),
                arguments: serde_json::json!({}),
                response: None,
                error: Some("timeout".into()),
            },
        ),
    ];
    let o = overview(&items, 1_000_000, None);
    let hang = &o.bars[0];
    assert_eq!(
        (hang.kind, hang.start, hang.end),
        (BarKind::Hang, 10_000, 20_000)
    );
    assert_eq!(hang.lane, Lane::System, "drawn apart from the turns");
    assert_eq!(o.bars[1].kind, BarKind::ToolError);
    assert_eq!(o.bars[1].lane, Lane::Tools);
}

#[test]
fn a_live_call_shows_the_quiet_since_its_last_turn() {
    let items = vec![item(1, 0.0, says(Role::User, "Hi"))];
    let o = overview(&items, 1_000_000, Some(1_000_000 + 20_000));
    assert_eq!(o.span, 20_000);
    assert_eq!(
        o.silences,
        vec![Silence {
            start: MIN_TURN_MS,
            end: 20_000
        }]
    );
}

#[test]
fn a_reported_latency_goes_to_the_answer_it_measured() {
    use crate::model::latency::{LatencyPart, PartMs};
    let reported = |response: &str, heard_ms, parts: Vec<PartMs>| EventDetail::Latency {
        response: response.into(),
        heard_ms,
        parts,
    };
    let part = |part, ms| PartMs { part, ms };
    let items = vec![
        item(1, 0.0, says(Role::Agent, "Hello")),
        item(2, 2.0, says(Role::User, "Where is my order")),
        // The voice's part, told first, then the turn's whole.
        item(
            3,
            4.1,
            reported("t2", None, vec![part(LatencyPart::Tts, 200)]),
        ),
        item(
            4,
            4.0,
            reported("t2", Some(1200), vec![part(LatencyPart::Llm, 400)]),
        ),
        item(5, 4.3, says(Role::Agent, "Let me check")),
        item(6, 9.0, says(Role::User, "Thanks")),
        item(7, 11.0, says(Role::Agent, "Bye")),
    ];
    let o = overview(&items, 1_000_000, None);
    let measured = o.notes(5).latency.expect("the answer has its latency");
    assert_eq!((measured.ms, measured.estimated), (1200, false));
    let w = measured.parts.unwrap();
    assert_eq!(w.part(LatencyPart::Llm), Some(400));
    assert_eq!(w.part(LatencyPart::Tts), Some(200));
    assert_eq!(w.unexplained_ms(), Some(600));
    // An answer nothing measured keeps the estimate.
    let bye = o.notes(7).latency.unwrap();
    assert!(bye.estimated && bye.parts.is_none());
    assert!(o.notes(1).latency.is_none());
}
