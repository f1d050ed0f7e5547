use super::*;
use crate::model::EventDetail;

fn note(id: i64, event_id: Option<i64>, author_id: i64) -> Note {
    Note {
        id,
        call_id: "c".into(),
        event_id,
        at_ms: None,
        quote: None,
        body: "b".into(),
        author: format!("user{author_id}"),
        author_id,
        created_at: 0,
        edited_at: None,
    }
}

fn flag(event_id: Option<i64>, reason: &str, author: &str) -> Flag {
    Flag {
        event_id,
        reason: reason.into(),
        author: author.into(),
        created_at: 0,
    }
}

#[test]
fn marks_sum_a_review_up() {
    let review = CallReview {
        notes: vec![note(1, Some(7), 1), note(2, None, 2)],
        flags: vec![
            flag(None, "tool_failed", "ann"),
            flag(Some(7), "tool_failed", "bob"),
            flag(Some(7), "too_slow", "bob"),
        ],
        verdicts: vec![
            Verdict {
                reviewer: "ann".into(),
                reviewer_id: 1,
                score: Some(2),
                reviewed_at: Some(5),
            },
            Verdict {
                reviewer: "bob".into(),
                reviewer_id: 2,
                score: Some(5),
                reviewed_at: None,
            },
        ],
    };
    let marks = review.marks();
    assert_eq!(marks.flags, ["tool_failed", "too_slow"]);
    assert_eq!(marks.score, Some(3.5));
    assert_eq!(marks.score_text(), "3.5");
    assert_eq!(marks.reviewed_by, ["ann"]);
    assert_eq!(marks.notes, 2);
    assert_eq!(review.reasons_on(Some(7)), ["tool_failed", "too_slow"]);
    assert_eq!(review.reasons_on(None), ["tool_failed"]);
    assert_eq!(review.notes_on(7).count(), 1);
    assert!(review.flagged_by("bob", Some(7), "too_slow"));
    assert!(!review.flagged_by("ann", Some(7), "too_slow"));
    assert!(CallReview::default().marks().is_empty());
    assert_eq!(score_text(2.0), "2");
}

#[test]
fn authors_and_admins_change_notes() {
    let mut desk = ReviewDesk {
        reasons: Vec::new(),
        you: 1,
        name: "user1".into(),
        may_review: true,
        admin: false,
    };
    assert!(desk.may_change(&note(1, None, 1)));
    assert!(!desk.may_change(&note(1, None, 2)));
    desk.admin = true;
    assert!(desk.may_change(&note(1, None, 2)));
    desk.may_review = false;
    assert!(!desk.may_change(&note(1, None, 1)));
}

#[test]
fn notes_quotes_and_moments_are_bounded() {
    assert_eq!(note_body("  hi "), Ok("hi".to_string()));
    assert_eq!(note_body(" \n"), Err(NoteProblem::Empty));
    assert_eq!(
        note_body(&"x".repeat(MAX_NOTE_CHARS + 1)),
        Err(NoteProblem::TooLong)
    );
    assert_eq!(quote("  "), None);
    let long = quote(&"é".repeat(MAX_QUOTE_CHARS + 10)).unwrap();
    assert_eq!(long.chars().count(), MAX_QUOTE_CHARS + 1);
    assert!(long.ends_with('…'));
    assert_eq!(parse_moment("1:05"), Some(65_000));
    assert_eq!(parse_moment("1:00:01.5"), Some(3_601_500));
    assert_eq!(parse_moment("42"), Some(42_000));
    assert_eq!(parse_moment("1::2"), None);
    assert_eq!(parse_moment("-3"), None);
    assert_eq!(parse_moment("x"), None);
}

#[test]
fn share_lifetimes_come_from_the_list() {
    assert_eq!(
        parse_share_lifetime("1h"),
        Some(crate::model::time::HOUR_MS)
    );
    assert_eq!(parse_share_lifetime("31d"), None);
}

#[test]
fn pins_sit_at_their_moment_or_their_item() {
    let mut at = note(1, None, 1);
    at.at_ms = Some(5_000);
    let on_item = note(2, Some(7), 1);
    let gone = note(3, Some(99), 1);
    let whole = note(4, None, 1);
    let review = CallReview {
        notes: vec![at, on_item, gone, whole],
        ..Default::default()
    };
    let item = crate::model::TimelineItem {
        id: 7,
        call_id: "c".into(),
        occurred_at: 1_000 + 12_000,
        seconds_from_start: None,
        received_at: 0,
        detail: EventDetail::Hang {
            after_seconds: None,
            message: None,
        },
        raw: String::new(),
        clipped: false,
    };
    let pins = review.pins(&[item], 1_000);
    let places: Vec<(i64, Option<i64>)> = pins.iter().map(|p| (p.at_ms, p.event_id)).collect();
    assert_eq!(places, [(5_000, None), (12_000, Some(7))]);
    assert_eq!(pins[0].label, "user1: b");
}
