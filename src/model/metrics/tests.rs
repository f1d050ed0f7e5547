use super::*;
use crate::model::ReportTurn;

const START: i64 = 1_700_000_000_000;

fn item(id: i64, secs: Option<f64>, clock_secs: f64, detail: EventDetail) -> TimelineItem {
    TimelineItem {
        id,
        call_id: "c".into(),
        occurred_at: START + (clock_secs * 1000.0) as i64,
        seconds_from_start: secs,
        received_at: 0,
        detail,
        raw: "{}".into(),
        clipped: false,
    }
}

fn says(id: i64, secs: f64, role: Role, text: &str) -> TimelineItem {
    let detail = EventDetail::Message {
        role,
        text: text.into(),
    };
    item(id, Some(secs), secs, detail)
}

fn report(turns: Vec<ReportTurn>) -> EventDetail {
    EventDetail::Report {
        summary: None,
        transcript: None,
        recording_url: None,
        stereo_recording_url: None,
        duration_ms: None,
        ended_reason: Some("customer-ended-call".into()),
        cost: None,
        started_at: None,
        success: None,
        sentiment: None,
        turns,
    }
}

fn turn(role: Role, start_ms: i64, duration_ms: Option<i64>) -> ReportTurn {
    ReportTurn {
        role,
        start_ms,
        duration_ms,
    }
}

fn tool(id: i64, function: &str, error: Option<&str>) -> TimelineItem {
    let detail = EventDetail::ToolCall {
        function: function.into(),
        arguments: serde_json::Value::Null,
        response: None,
        error: error.map(str::to_string),
    };
    item(id, None, 5.0, detail)
}

/// Three turns as events, then a report that times them.
fn timed_call() -> Vec<TimelineItem> {
    reported(vec![
        turn(Role::System, 0, None),
        turn(Role::Agent, 1_000, Some(2_000)),
        turn(Role::User, 4_000, Some(2_500)),
        turn(Role::Agent, 12_000, Some(1_500)),
    ])
}

/// The three turns as events, then a report that times `turns`.
fn reported(turns: Vec<ReportTurn>) -> Vec<TimelineItem> {
    vec![
        says(1, 1.0, Role::Agent, "Hello, how can I help?"),
        says(2, 4.0, Role::User, "I want to move my appointment."),
        says(3, 12.0, Role::Agent, "Sure, to which day?"),
        item(4, None, 20.0, report(turns)),
    ]
}

#[test]
fn a_report_with_turn_timings_makes_every_metric_trusted() {
    let m = compute(&timed_call(), START, true);
    // The caller stopped at 6.5 s; the agent answered at 12 s.
    assert_eq!(
        m.latency.value,
        Some(Latency {
            p50_ms: 5_500,
            max_ms: 5_500,
            answers: 1
        })
    );
    assert!(m.latency.is_trusted(), "{:?}", m.latency.untrusted);
    // Quiet from 3 s to 4 s (too short) and from 6.5 s to 12 s.
    assert_eq!(m.stall_ms.value, Some(5_500));
    assert_eq!(
        m.talk.value,
        Some(Talk {
            agent_ms: 3_500,
            user_ms: 2_500
        })
    );
    assert!(m.talk.is_trusted());
    let share = m.talk.value.unwrap().agent_share().unwrap();
    assert!((share - 3_500.0 / 6_000.0).abs() < 1e-9);
    assert_eq!(
        m.ending.value,
        Some(Ending {
            by: None,
            reason: Some("customer-ended-call".into())
        })
    );
}

#[test]
fn without_a_report_latency_is_an_estimate_and_says_so() {
    let items = &timed_call()[..3];
    let m = compute(items, START, false);
    let latency = m.latency.value.expect("one answer measured");
    // "I want to move my appointment." is 6 words: about 2.2 s at 2.7 words/s.
    assert_eq!(latency.answers, 1);
    assert_eq!(latency.p50_ms, 12_000 - (4_000 + 2_222));
    assert!(!m.latency.is_trusted());
    assert!(
        m.latency.why().contains("estimated from word count"),
        "{}",
        m.latency.why()
    );
    assert!(!m.talk.is_trusted());
    // A live call's ending is not missing, just not there yet.
    assert_eq!(m.ending.value, None);
    assert!(m.ending.is_trusted());
}

#[test]
fn turns_without_offsets_and_skewed_clocks_are_named() {
    let mut items = timed_call()[..3].to_vec();
    items[1].seconds_from_start = None;
    // The third turn's clock says 20 s where secondsFromStart says 12 s.
    items[2].occurred_at = START + 20_000;
    let why = compute(&items, START, false).latency.why();
    assert!(
        why.contains("1 of 3 turns carry no secondsFromStart"),
        "{why}"
    );
    assert!(
        why.contains("disagree with secondsFromStart by up to 8.0 s"),
        "{why}"
    );
}

#[test]
fn turns_the_report_lists_but_never_arrived_make_the_interruption_rate_untrusted() {
    let mut items = timed_call();
    items.remove(1);
    items.push(item(
        5,
        None,
        13.0,
        EventDetail::Interruption {
            text: "Sure".into(),
            at_seconds: Some(13.0),
            who: None,
        },
    ));
    let m = compute(&items, START, true);
    let interruptions = m.interruptions.value.unwrap();
    assert_eq!(interruptions.count, 1);
    // The report's timings still give two agent turns.
    assert!((interruptions.per_agent_turn - 0.5).abs() < 1e-9);
    assert_eq!(
        m.interruptions.untrusted,
        vec!["the report lists 3 turns but 2 arrived as events".to_string()]
    );
    // Latency comes from the report's timings, which are complete.
    assert!(m.latency.is_trusted());
}

#[test]
fn a_report_missing_one_duration_falls_back_to_estimates() {
    let items = reported(vec![
        turn(Role::Agent, 1_000, Some(2_000)),
        turn(Role::User, 4_000, None),
        turn(Role::Agent, 12_000, Some(1_500)),
    ]);
    let m = compute(&items, START, true);
    assert!(
        m.latency.why().contains("does not time every turn"),
        "{}",
        m.latency.why()
    );
}

#[test]
fn a_report_timing_fewer_turns_than_arrived_is_not_taken_for_the_call() {
    let items = reported(vec![
        turn(Role::Agent, 1_000, Some(2_000)),
        turn(Role::User, 4_000, Some(2_500)),
    ]);
    let m = compute(&items, START, true);
    assert!(
        m.latency
            .why()
            .contains("the report times 2 turns but 3 arrived as events"),
        "{}",
        m.latency.why()
    );
    assert!(m.interruptions.is_trusted());
}

#[test]
fn an_end_call_and_a_report_that_disagree_on_who_hung_up_are_untrusted() {
    let mut items = timed_call();
    items.push(item(
        5,
        None,
        21.0,
        EventDetail::End {
            ended_by: Some("agent".into()),
        },
    ));
    let ending = compute(&items, START, true).ending;
    assert_eq!(ending.value.as_ref().unwrap().by.as_deref(), Some("agent"));
    assert_eq!(
        ending.untrusted,
        vec![
            "the end-call event says agent ended it, the report's reason says customer-ended-call"
        ]
    );
    items[4] = item(
        5,
        None,
        21.0,
        EventDetail::End {
            ended_by: Some("user".into()),
        },
    );
    assert!(compute(&items, START, true).ending.is_trusted());
}

#[test]
fn tools_count_calls_and_errors_per_function_and_flag_unanswered_requests() {
    let items = vec![
        tool(1, "lookup", None),
        tool(2, "book", Some("slot taken")),
        tool(3, "book", None),
        item(
            4,
            None,
            6.0,
            EventDetail::ToolRequest {
                function: "cancel".into(),
                arguments: serde_json::Value::Null,
            },
        ),
    ];
    let m = compute(&items, START, true);
    assert_eq!(
        m.tools.value.as_deref(),
        Some(
            &[
                ToolStat {
                    function: "lookup".into(),
                    calls: 1,
                    errors: 0,
                    pending: 0,
                },
                ToolStat {
                    function: "book".into(),
                    calls: 2,
                    errors: 1,
                    pending: 0,
                },
                ToolStat {
                    function: "cancel".into(),
                    calls: 0,
                    errors: 0,
                    pending: 1,
                },
            ][..]
        )
    );
    assert_eq!(m.tool_error_rate(), Some(1.0 / 3.0));
    // A request without its result is pending, not a reason for doubt.
    assert!(m.tools.untrusted.is_empty());
    let tools = &m.shown()[4];
    assert_eq!(tools.text, "1/3 failed · 1 pending");
    assert!(tools
        .detail
        .contains("cancel: 0 of 0 failed, 1 without a result yet"));
    // Ended, and nothing said how: that is said, not guessed.
    assert_eq!(m.ending.value, None);
    assert_eq!(
        m.ending.untrusted,
        vec!["neither an end-call event nor a report arrived"]
    );
}

#[test]
fn an_empty_call_measures_nothing_and_distrusts_nothing() {
    let m = compute(&[], START, false);
    assert_eq!(m.latency.value, None);
    assert!(m.latency.is_trusted());
    assert_eq!(m.stall_ms.value, None);
    assert_eq!(m.interruptions.value, None);
    assert_eq!(m.tools.value, None);
    assert_eq!(m.hangs, 0);
}

#[test]
fn latency_takes_the_median_and_the_worst_answer() {
    let items = vec![
        says(1, 0.0, Role::User, "a"),
        says(2, 2.0, Role::Agent, "b"),
        says(3, 5.0, Role::User, "c"),
        says(4, 9.0, Role::Agent, "d"),
        says(5, 12.0, Role::User, "e"),
        says(6, 13.0, Role::Agent, "f"),
    ];
    // Each one-word turn is estimated at the shortest turn, 600 ms.
    let latency = compute(&items, START, false).latency.value.unwrap();
    assert_eq!(latency.answers, 3);
    assert_eq!(latency.p50_ms, 1_400);
    assert_eq!(latency.max_ms, 3_400);
}

#[test]
fn a_live_call_gone_quiet_counts_its_current_silence() {
    let items = [
        says(1, 0.5, Role::Agent, "Hello, how can I help you today?"),
        says(2, 4.0, Role::User, "I need to book a table."),
    ];
    let quiet = compute(&items, START, false).stall_ms.value;
    let now = START + 60_000;
    let live = compute_live(&items, START, now).stall_ms.value;
    assert!(
        live.unwrap() >= quiet.unwrap() + 50_000,
        "{live:?} vs {quiet:?}"
    );
    // Just after the last turn, nothing is added.
    assert_eq!(
        compute_live(&items, START, START + 6_000).stall_ms.value,
        quiet
    );
}
