use serde_json::{json, Map, Value};

use super::*;

fn item(id: i64, detail: EventDetail) -> TimelineItem {
    TimelineItem {
        id,
        call_id: "c".into(),
        occurred_at: id,
        seconds_from_start: None,
        received_at: id,
        detail,
        raw: "{\"big\":true}".into(),
        clipped: false,
    }
}

/// A tool call whose arguments have `n` fields, as the review's attack sent.
fn wide_tool_call(id: i64, n: usize) -> TimelineItem {
    let arguments: Map<String, Value> = (0..n)
        .map(|i| (format!("k{i:05}"), json!(format!("value {i}"))))
        .collect();
    item(
        id,
        EventDetail::ToolCall {
            function: "lookup".into(),
            arguments: Value::Object(arguments),
            response: None,
            error: None,
        },
    )
}

fn nested(depth: usize) -> Value {
    (0..depth).fold(json!("bottom"), |inner, _| json!({ "a": inner }))
}

fn depth_of(value: &Value) -> usize {
    match value {
        Value::Object(m) => 1 + m.values().map(depth_of).max().unwrap_or(0),
        Value::Array(a) => 1 + a.iter().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}

fn arguments(item: &TimelineItem) -> &Value {
    match &item.detail {
        EventDetail::ToolCall { arguments, .. } => arguments,
        other => panic!("not a tool call: {other:?}"),
    }
}

#[test]
fn a_small_event_is_shown_whole_without_its_body() {
    let small = item(
        1,
        EventDetail::ToolCall {
            function: "lookup".into(),
            arguments: json!({"order": "A-17", "items": [1, 2, 3]}),
            response: Some(json!({"ok": true})),
            error: None,
        },
    );
    let shown = super::item(&small);
    assert_eq!(shown.detail, small.detail);
    assert_eq!(shown.raw, "");
    assert!(!shown.clipped);
}

#[test]
fn sixty_thousand_arguments_show_fifty_and_count_the_rest() {
    let shown = super::item(&wide_tool_call(1, 60_000));
    let fields = arguments(&shown).as_object().unwrap();
    assert_eq!(fields.len(), MAX_ENTRIES + 1);
    assert_eq!(fields["k00000"], json!("value 0"));
    assert_eq!(fields[MORE_KEY], json!("59950 more fields"));
    assert!(shown.clipped);
    assert!(serde_json::to_string(&shown).unwrap().len() < ITEM_BYTES);
}

#[test]
fn a_page_of_twenty_huge_events_stays_small() {
    let items: Vec<TimelineItem> = (1..=20).map(|id| wide_tool_call(id, 60_000)).collect();
    let shown = page(items.into_iter().rev());
    assert_eq!(shown.len(), 20);
    assert_eq!(
        shown.iter().map(|i| i.id).collect::<Vec<_>>(),
        (1..=20).collect::<Vec<_>>()
    );
    let bytes = serde_json::to_string(&shown).unwrap().len();
    assert!(bytes < 200_000, "{bytes} bytes");
    assert!(shown.iter().all(|i| i.clipped));
}

#[test]
fn the_page_budget_favours_the_newest_items() {
    // Items of wide values: the page's budget runs out before the oldest.
    let long = |id| {
        let text: Vec<Value> = (0..MAX_ENTRIES).map(|_| json!("x".repeat(3000))).collect();
        item(
            id,
            EventDetail::ToolRequest {
                function: "f".into(),
                arguments: Value::Array(text),
            },
        )
    };
    let shown = page((1..=200).rev().map(long));
    let size = |i: &TimelineItem| serde_json::to_string(i).unwrap().len();
    assert!(size(&shown[199]) > ITEM_BYTES / 2);
    assert!(size(&shown[0]) < 4 * MIN_ITEM_BYTES, "{}", size(&shown[0]));
    let total: usize = shown.iter().map(size).sum();
    assert!(total < PAGE_BYTES + 200 * 4 * MIN_ITEM_BYTES, "{total}");
}

#[test]
fn deep_values_fold_into_text_past_the_depth_limit() {
    // 127 levels parse (serde_json stops at 128) but no longer hydrate once
    // wrapped in the page's data.
    let deep = nested(127);
    let text = serde_json::to_string(&deep).unwrap();
    let parsed: Value = serde_json::from_str(&text).unwrap();
    let shown = super::item(&item(
        1,
        EventDetail::ToolRequest {
            function: "f".into(),
            arguments: parsed,
        },
    ));
    let EventDetail::ToolRequest { arguments, .. } = &shown.detail else {
        panic!("kind changed");
    };
    assert_eq!(depth_of(arguments), MAX_DEPTH);
    let mut bottom = arguments;
    while let Some(inner) = bottom.get("a") {
        bottom = inner;
    }
    let folded = bottom.as_str().unwrap();
    assert!(folded.starts_with("{\"a\":{\"a\":"), "{folded}");
    assert!(folded.ends_with('…'));
    assert!(shown.clipped);
    // The page data reads back, as the browser does when it hydrates.
    let json = serde_json::to_string(&shown).unwrap();
    assert_eq!(serde_json::from_str::<TimelineItem>(&json).unwrap(), shown);
}

#[test]
fn long_texts_end_in_an_ellipsis() {
    let said = "é".repeat(1_000_000);
    let shown = super::item(&item(
        1,
        EventDetail::Message {
            role: Role::User,
            text: said,
        },
    ));
    let EventDetail::Message { text, .. } = &shown.detail else {
        panic!("kind changed");
    };
    assert_eq!(text.chars().count(), 4001);
    assert!(text.ends_with("é…"));
    assert!(shown.clipped);
}

#[test]
fn a_cut_recording_address_is_left_out_rather_than_broken() {
    let report = EventDetail::Report {
        summary: Some("fine".into()),
        transcript: None,
        recording_url: Some(format!("https://rec.example/{}", "a".repeat(10_000))),
        stereo_recording_url: Some("https://rec.example/s.wav".into()),
        duration_ms: Some(1000),
        ended_reason: None,
        cost: None,
        started_at: None,
        success: None,
        sentiment: None,
        turns: vec![],
    };
    let shown = super::item(&item(1, report));
    let EventDetail::Report {
        recording_url,
        stereo_recording_url,
        summary,
        ..
    } = &shown.detail
    else {
        panic!("kind changed");
    };
    assert_eq!(recording_url, &None);
    assert_eq!(
        stereo_recording_url.as_deref(),
        Some("https://rec.example/s.wav")
    );
    assert_eq!(summary.as_deref(), Some("fine"));
    assert!(shown.clipped);
}

#[test]
fn a_stored_body_is_shown_pretty_and_cut() {
    let small = body(r#"{"a":1}"#);
    assert_eq!(
        small,
        BodyView {
            text: "{\n  \"a\": 1\n}".into(),
            whole: true
        }
    );
    let big = body(&format!("\"{}\"", "x".repeat(200_000)));
    assert!(!big.whole);
    assert_eq!(big.text.chars().count(), BODY_CHARS + 1);
    assert!(big.text.starts_with("\"xxx") && big.text.ends_with("x…"));
}

#[test]
fn a_turn_shows_its_direction_overrides() {
    let shown = super::item(&item(
        1,
        EventDetail::Message {
            role: Role::User,
            text: "my code is \u{202E}1234".into(),
        },
    ));
    assert_eq!(
        shown.detail,
        EventDetail::Message {
            role: Role::User,
            text: "my code is ⟦U+202E⟧1234".into(),
        }
    );
    assert!(!shown.clipped);
}
