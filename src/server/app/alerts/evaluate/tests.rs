use serde_json::json;

use super::*;
use crate::model::{normal_endings, Condition, MatchOp};

fn item(detail: EventDetail) -> TimelineItem {
    TimelineItem {
        id: 9,
        call_id: "c1".into(),
        occurred_at: 0,
        seconds_from_start: None,
        received_at: 0,
        detail,
        raw: "{}".into(),
        clipped: false,
    }
}

fn tool(function: &str, error: Option<&str>) -> TimelineItem {
    item(EventDetail::ToolCall {
        function: function.into(),
        arguments: json!({}),
        response: None,
        error: error.map(String::from),
    })
}

fn check(spec: &RuleSpec, item: &TimelineItem, facts: Facts) -> Option<String> {
    on_event(spec, None, item, &json!({}), facts)
}

#[test]
fn tool_errors_match_only_failed_calls() {
    let spec = RuleSpec::ToolError {};
    assert_eq!(
        check(
            &spec,
            &tool("book", Some("timeout after 5 s")),
            Facts::default()
        )
        .as_deref(),
        Some("Tool book failed: timeout after 5 s")
    );
    assert_eq!(check(&spec, &tool("book", None), Facts::default()), None);
}

#[test]
fn hangs_respect_count_and_stall() {
    let hang = item(EventDetail::Hang {
        after_seconds: Some(12.0),
        message: Some("Agent unresponsive".into()),
    });
    let any = RuleSpec::Hang {
        count: 1,
        stall_seconds: None,
    };
    assert_eq!(
        check(&any, &hang, Facts::default()).as_deref(),
        Some("Agent silent 12 s: Agent unresponsive")
    );
    let long = RuleSpec::Hang {
        count: 1,
        stall_seconds: Some(15.0),
    };
    assert_eq!(check(&long, &hang, Facts::default()), None);
    let third = RuleSpec::Hang {
        count: 3,
        stall_seconds: None,
    };
    let two = Facts {
        hangs: 2,
        ..Facts::default()
    };
    assert_eq!(check(&third, &hang, two), None);
    let three = Facts {
        hangs: 3,
        ..Facts::default()
    };
    assert!(check(&third, &hang, three)
        .unwrap()
        .ends_with("(3 hangs in this call)"));
    assert!(Needs::of(&[&third], &hang.detail).hangs);
    assert!(!Needs::of(&[&any], &hang.detail).hangs);
}

#[test]
fn abnormal_endings_are_those_off_the_list() {
    let spec = RuleSpec::EndedAbnormally {
        normal: normal_endings(),
    };
    let by = |who: &str| {
        item(EventDetail::End {
            ended_by: Some(who.into()),
        })
    };
    assert_eq!(check(&spec, &by("User"), Facts::default()), None);
    assert_eq!(
        check(&spec, &by("pipeline-error"), Facts::default()).as_deref(),
        Some("Call ended by pipeline-error")
    );
    let report = item(EventDetail::Report {
        summary: None,
        transcript: None,
        recording_url: None,
        stereo_recording_url: None,
        duration_ms: None,
        ended_reason: Some("assistant-error".into()),
        cost: None,
        started_at: None,
        success: None,
        sentiment: None,
        turns: Vec::new(),
    });
    assert_eq!(
        check(&spec, &report, Facts::default()).as_deref(),
        Some("Call ended: assistant-error")
    );
}

#[test]
fn a_tool_loop_needs_the_count_of_the_same_function() {
    let spec = RuleSpec::ToolLoop { count: 8 };
    let call = tool("lookup", None);
    let seven = Facts {
        same_function: 7,
        ..Facts::default()
    };
    assert_eq!(check(&spec, &call, seven), None);
    let eight = Facts {
        same_function: 8,
        ..Facts::default()
    };
    assert_eq!(
        check(&spec, &call, eight).as_deref(),
        Some("lookup called 8 times in this call")
    );
    assert!(Needs::of(&[&spec], &call.detail).same_function);
}

#[test]
fn match_rules_filter_by_type_then_condition() {
    let spec = RuleSpec::Match {
        event: Some("tool-call".into()),
        field: Some("metadata.functionName".into()),
        op: MatchOp::Equals,
        value: "refund".into(),
    };
    let condition = Compiled::new(&Condition {
        field: Some("metadata.functionName".into()),
        op: MatchOp::Equals,
        value: "refund".into(),
    })
    .unwrap();
    let body = json!({"metadata": {"functionName": "refund"}});
    let reason = on_event(
        &spec,
        Some(&condition),
        &tool("refund", None),
        &body,
        Facts::default(),
    );
    assert!(reason.unwrap().starts_with("tool-call matched"));
    let message = item(EventDetail::Message {
        role: crate::model::Role::User,
        text: "refund".into(),
    });
    assert_eq!(
        on_event(&spec, Some(&condition), &message, &body, Facts::default()),
        None
    );
}

#[test]
fn timed_rules_never_match_an_event() {
    for spec in [
        RuleSpec::StuckCall { seconds: 1 },
        RuleSpec::WebhookSilence { minutes: 1 },
        RuleSpec::WebhookAuthFailures {
            count: 1,
            minutes: 1,
        },
    ] {
        assert!(spec.is_timed());
        assert_eq!(check(&spec, &tool("x", Some("e")), Facts::default()), None);
    }
}
