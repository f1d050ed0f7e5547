use super::*;
use crate::model::latency::{LatencyPart, PartMs};
use serde_json::json;

/// A call built event by event, one second apart.
#[derive(Default)]
struct Call(Vec<TimelineItem>);

impl Call {
    fn with(mut self, detail: EventDetail) -> Self {
        let n = self.0.len() as i64;
        self.0.push(TimelineItem {
            id: 100 + n,
            call_id: "c".into(),
            occurred_at: 1_000_000 + n * 1000,
            seconds_from_start: Some(n as f64),
            received_at: 0,
            detail,
            raw: "{}".into(),
            clipped: false,
        });
        self
    }

    fn agent(self, text: &str) -> Self {
        self.says(Role::Agent, text)
    }

    fn user(self, text: &str) -> Self {
        self.says(Role::User, text)
    }

    fn says(self, role: Role, text: &str) -> Self {
        self.with(EventDetail::Message {
            role,
            text: text.into(),
        })
    }

    fn tool(self, function: &str, arguments: Value, response: Value) -> Self {
        self.with(EventDetail::ToolCall {
            function: function.into(),
            arguments,
            response: Some(response),
            error: None,
        })
    }

    fn latency(self, heard_ms: i64) -> Self {
        self.with(EventDetail::Latency {
            response: format!("r{heard_ms}"),
            heard_ms: Some(heard_ms),
            parts: vec![PartMs {
                part: LatencyPart::Llm,
                ms: heard_ms / 2,
            }],
        })
    }

    fn report(self, ended_reason: &str) -> Self {
        self.with(EventDetail::Report {
            summary: None,
            transcript: None,
            recording_url: None,
            stereo_recording_url: None,
            duration_ms: None,
            ended_reason: Some(ended_reason.into()),
            cost: None,
            started_at: None,
            success: None,
            sentiment: None,
            turns: Vec::new(),
        })
    }
}

/// A booking call; `extra` adds an agent line before the tool runs, and
/// `slot` is what the booking tool answers.
fn booking(extra: bool, slot: &str) -> Vec<TimelineItem> {
    let call = Call::default()
        .agent("Hello, thanks for calling. How can I help?")
        .user("I'd like to book a haircut for Tuesday.")
        .latency(900)
        .agent("Sure! Which time suits you?")
        .user("Three in the afternoon, please.");
    let call = if extra {
        call.agent("Let me check that for you.")
    } else {
        call
    };
    call.tool(
        "book_slot",
        json!({"day": "tuesday", "time": "15:00"}),
        json!({"booked": slot}),
    )
    .agent("You're booked for Tuesday at three.")
    .user("Great, bye!")
    .agent("Goodbye!")
    .report("customer-ended-call")
    .0
}

fn diffs(c: &Comparison) -> Vec<TurnDiff> {
    c.turns.iter().map(|r| r.diff).collect()
}

#[test]
fn one_tool_result_and_one_extra_answer_are_two_differences() {
    let c = compare(&booking(false, "15:00"), &booking(true, "15:30"));
    assert_eq!(c.differences(), 2, "{c:#?}");
    let result: Vec<&ToolRow> = c
        .tools
        .iter()
        .filter(|r| r.diff == ToolDiff::ResultDiffers)
        .collect();
    assert_eq!(result.len(), 1);
    assert_eq!(result[0].function, "book_slot");
    assert_eq!(c.tools.len(), 1);
    let only_b: Vec<&TurnRow> = c
        .turns
        .iter()
        .filter(|r| r.diff == TurnDiff::OnlyB)
        .collect();
    assert_eq!(only_b.len(), 1);
    let extra = only_b[0].b.as_ref().map(|s| s.text.as_str());
    assert_eq!(extra, Some("Let me check that for you."));
    assert_eq!(
        c.turns.iter().filter(|r| r.diff == TurnDiff::Same).count(),
        c.turns.len() - 1
    );
    assert_eq!(c.turns.len(), 8);
    assert!(!c.ending.differs && !c.by_order);
}

#[test]
fn a_call_against_itself_or_nothing_against_nothing_differs_nowhere() {
    let call = booking(true, "15:00");
    let c = compare(&call, &call);
    assert_eq!(c.differences(), 0);
    assert_eq!(c.turns.len(), 8);
    let empty = compare(&[], &[]);
    assert_eq!(empty.differences(), 0);
    assert!(empty.turns.is_empty() && empty.tools.is_empty());
    assert_eq!(
        empty.ending,
        EndingRow {
            a: None,
            b: None,
            differs: false
        }
    );
}

#[test]
fn latency_is_shown_beside_the_answer_and_never_counted() {
    let a = Call::default().user("Hi").latency(800).agent("Hello").0;
    let b = Call::default().user("Hi").latency(2400).agent("Hello").0;
    let c = compare(&a, &b);
    assert_eq!(c.differences(), 0);
    let answer = &c.turns[1];
    let heard = |s: &Option<TurnSide>| {
        s.as_ref()
            .and_then(|s| s.latency.as_ref())
            .and_then(|w| w.heard_ms)
    };
    assert_eq!(
        (heard(&answer.a), heard(&answer.b)),
        (Some(800), Some(2400))
    );
    assert_eq!(heard(&c.turns[0].a), None, "the caller's turn carries none");
    assert_eq!(answer.a.as_ref().map(|s| s.offset_ms), Some(2000));
}

#[test]
fn a_measurement_before_the_caller_spoke_is_not_the_answer_s() {
    let a = Call::default().latency(700).user("Hi").agent("Hello").0;
    let c = compare(&a, &a);
    assert_eq!(c.turns[1].a.as_ref().and_then(|s| s.latency.clone()), None);
}

#[test]
fn similar_or_reordered_words_are_a_change_not_two_rows() {
    let a = Call::default()
        .agent("Your appointment is on Tuesday.")
        .agent("I can book you for Tuesday at three")
        .0;
    let b = Call::default()
        .agent("Your appointment is on Wednesday!")
        .agent("For Tuesday at three, I can book you.")
        .0;
    let c = compare(&a, &b);
    assert_eq!(diffs(&c), [TurnDiff::Changed, TurnDiff::Changed]);
    assert_eq!(c.differences(), 2);
}

#[test]
fn case_punctuation_and_spacing_do_not_count() {
    let a = Call::default().agent("Hello,  how can I help?").0;
    let b = Call::default().agent("hello how can i help").0;
    assert_eq!(diffs(&compare(&a, &b)), [TurnDiff::Same]);
    assert_eq!(normalise(" Hello,\n World! "), "hello world");
}

#[test]
fn unlike_text_or_another_speaker_never_pairs() {
    let a = Call::default().agent("Yes.").user("Book it").0;
    let b = Call::default()
        .agent("I can't do that right now.")
        .agent("Book it")
        .0;
    let c = compare(&a, &b);
    assert_eq!(
        diffs(&c),
        [
            TurnDiff::OnlyA,
            TurnDiff::OnlyA,
            TurnDiff::OnlyB,
            TurnDiff::OnlyB
        ]
    );
    assert_eq!(c.differences(), 4);
}

#[test]
fn system_lines_are_not_turns() {
    let a = Call::default()
        .says(Role::System, "You are a receptionist")
        .agent("Hi")
        .0;
    let b = Call::default().agent("Hi").0;
    let c = compare(&a, &b);
    assert_eq!(diffs(&c), [TurnDiff::Same]);
}

#[test]
fn an_exact_match_wins_over_a_similar_one() {
    let a = Call::default().agent("Let me check that for you").0;
    let b = Call::default()
        .agent("Let me check that for you now")
        .agent("Let me check that for you")
        .0;
    let c = compare(&a, &b);
    assert_eq!(diffs(&c), [TurnDiff::OnlyB, TurnDiff::Same]);
}

#[test]
fn tools_pair_by_name_and_say_what_differs() {
    let args = json!({"day": "mon"});
    let a = Call::default()
        .tool("lookup", args.clone(), json!({"ok": true}))
        .tool("book", args.clone(), json!({"ok": true}))
        .tool("sms", args.clone(), json!(1))
        .tool("email", args.clone(), json!(1))
        .0;
    let b = Call::default()
        .tool("lookup", json!({"day": "tue"}), json!({"ok": true}))
        .tool("book", json!({"day": "tue"}), json!({"ok": false}))
        .tool("fax", args.clone(), json!(1))
        .tool("email", json!({"day": "mon"}), json!(1))
        .0;
    let c = compare(&a, &b);
    let rows: Vec<(&str, ToolDiff)> = c
        .tools
        .iter()
        .map(|r| (r.function.as_str(), r.diff))
        .collect();
    assert_eq!(
        rows,
        [
            ("lookup", ToolDiff::ArgsDiffer),
            ("book", ToolDiff::ArgsAndResultDiffer),
            ("sms", ToolDiff::OnlyA),
            ("fax", ToolDiff::OnlyB),
            ("email", ToolDiff::Same),
        ]
    );
    assert_eq!((c.tools[2].a, c.tools[2].b), (Some(102), None));
    assert_eq!((c.tools[3].a, c.tools[3].b), (None, Some(102)));
    assert_eq!(c.differences(), 4);
}

#[test]
fn a_tool_error_is_a_result_difference() {
    let failed = |error: &str| {
        Call::default()
            .with(EventDetail::ToolCall {
                function: "book".into(),
                arguments: json!({}),
                response: None,
                error: Some(error.into()),
            })
            .0
    };
    let c = compare(&failed("timeout"), &failed("503"));
    assert_eq!(c.tools[0].diff, ToolDiff::ResultDiffers);
}

#[test]
fn the_report_s_reason_stands_over_the_end_event() {
    let ended = |by: &str| EventDetail::End {
        ended_by: Some(by.into()),
    };
    let a = Call::default()
        .with(ended("assistant"))
        .report("silence-timed-out")
        .0;
    let b = Call::default().with(ended("assistant")).0;
    let c = compare(&a, &b);
    assert_eq!(c.ending.a.as_deref(), Some("silence-timed-out"));
    assert_eq!(c.ending.b.as_deref(), Some("assistant"));
    assert!(c.ending.differs);
    assert_eq!(c.differences(), 1);
}

#[test]
fn past_the_bound_turns_pair_by_order() {
    let long = |n: usize| {
        (0..n)
            .fold(Call::default(), |call, k| call.agent(&format!("line {k}")))
            .0
    };
    let (a, b) = (long(MAX_ALIGNED + 1), long(MAX_ALIGNED + 1));
    let c = compare(&a, &b);
    assert!(c.by_order);
    assert_eq!(c.differences(), 0);
    assert_eq!(c.turns.len(), MAX_ALIGNED + 1);
    let shorter = compare(&a, &long(MAX_ALIGNED));
    assert_eq!(shorter.differences(), 1);
    assert_eq!(shorter.turns.last().map(|r| r.diff), Some(TurnDiff::OnlyA));
}

#[test]
fn a_comparison_survives_the_trip_to_the_browser() {
    let c = compare(&booking(false, "15:00"), &booking(true, "16:00"));
    let json = serde_json::to_string(&c).unwrap();
    assert!(json.contains("\"result_differs\"") && json.contains("\"only_b\""));
    assert_eq!(serde_json::from_str::<Comparison>(&json).unwrap(), c);
}
