//! Redaction applied to calltrail's own types: the fields that carry what
//! people said or typed and tool arguments and results — never ids, times,
//! kinds, codes or numbers. Each returns how many marks it made.

use serde_json::Value;

use super::{Mode, Redaction};
use crate::model::review::CallReview;
use crate::model::{CallSummary, EventDetail, Parties, TimelineItem};

impl Redaction {
    fn text(&self, source: &str, text: &mut String) -> u32 {
        let (out, marks) = self.redactor().text(source, text);
        if marks > 0 {
            *text = out.into_owned();
        }
        marks
    }

    fn maybe_text(&self, source: &str, text: &mut Option<String>) -> u32 {
        text.as_mut().map_or(0, |t| self.text(source, t))
    }

    fn json(&self, source: &str, value: &mut Value) -> u32 {
        self.redactor().json_text(source, value)
    }

    /// An event's text fields and tool arguments and results.
    pub fn detail(&self, source: &str, detail: &mut EventDetail) -> u32 {
        match detail {
            EventDetail::Message { text, .. }
            | EventDetail::Interruption { text, .. }
            | EventDetail::Signal { text, .. } => self.text(source, text),
            EventDetail::ToolCall {
                arguments,
                response,
                error,
                ..
            } => {
                self.json(source, arguments)
                    + response.as_mut().map_or(0, |r| self.json(source, r))
                    + self.maybe_text(source, error)
            }
            EventDetail::ToolRequest { arguments, .. } => self.json(source, arguments),
            EventDetail::Hang { message, .. } => self.maybe_text(source, message),
            EventDetail::Transfer {
                destination, label, ..
            } => self.maybe_text(source, destination) + self.maybe_text(source, label),
            EventDetail::Report {
                summary,
                transcript,
                ..
            } => self.maybe_text(source, summary) + self.maybe_text(source, transcript),
            EventDetail::End { .. } | EventDetail::Latency { .. } | EventDetail::Unknown { .. } => {
                0
            }
        }
    }

    /// A stored body: a JSON payload through the source's path rules and the
    /// scoped pass; anything else (a body that is not JSON) as text.
    pub fn body(&self, source: &str, raw: &str) -> (String, u32) {
        match serde_json::from_str::<Value>(raw) {
            Ok(mut value) => {
                let marks = self.redactor().payload(source, &mut value);
                if marks == 0 {
                    return (raw.to_string(), 0);
                }
                (value.to_string(), marks)
            }
            Err(_) => {
                let (out, marks) = self.redactor().text(source, raw);
                (out.into_owned(), marks)
            }
        }
    }

    /// A notification's words (an alert's reason may quote what was said),
    /// unless redaction is off.
    pub fn notice(&self, text: &mut String) {
        if self.mode("") != Mode::Off {
            self.text("", text);
        }
    }

    /// Who is on a call: a caller's number or name.
    pub fn parties(&self, source: &str, parties: &mut Parties) -> u32 {
        self.maybe_text(source, &mut parties.caller) + self.maybe_text(source, &mut parties.agent)
    }

    /// A timeline item as someone who may not see sensitive data reads it:
    /// its text redacted (unless redaction is off for its source), its raw
    /// payload and recordings left out.
    pub fn item_for_restricted(&self, source: &str, item: &mut TimelineItem) {
        if self.mode(source) != Mode::Off {
            self.detail(source, &mut item.detail);
        }
        without_raw(item);
    }

    /// Reviewers' notes as someone who may not see sensitive data reads
    /// them: the quotes of the call and the notes' own words redacted.
    pub fn review_for_restricted(&self, source: &str, review: &mut CallReview) {
        if self.mode(source) == Mode::Off {
            return;
        }
        for note in &mut review.notes {
            self.maybe_text(source, &mut note.quote);
            self.text(source, &mut note.body);
        }
    }

    /// A call's row as someone who may not see sensitive data reads it.
    pub fn call_for_restricted(&self, call: &mut CallSummary) {
        call.recording_url = None;
        let source = call.source.clone();
        if self.mode(&source) == Mode::Off {
            return;
        }
        self.maybe_text(&source, &mut call.summary);
        self.maybe_text(&source, &mut call.first_user_text);
        self.maybe_text(&source, &mut call.caller);
        self.maybe_text(&source, &mut call.agent);
    }
}

/// A timeline item without its raw payload and recordings: what a page
/// that may not open them (a restricted viewer's, a shared link's) gets.
pub fn without_raw(item: &mut TimelineItem) {
    item.raw = String::new();
    if let EventDetail::Report {
        recording_url,
        stereo_recording_url,
        ..
    } = &mut item.detail
    {
        *recording_url = None;
        *stereo_recording_url = None;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::Role;

    #[test]
    fn only_what_people_said_and_tools_carried_is_touched() {
        let r = Redaction::default_display();
        let mut said = EventDetail::Message {
            role: Role::User,
            text: "Call me on 415-555-0123 about order 123e4567-e89b-12d3-a456-426614174000".into(),
        };
        assert_eq!(r.detail("infer", &mut said), 1);
        assert_eq!(
            said,
            EventDetail::Message {
                role: Role::User,
                text: "Call me on [phone] about order 123e4567-e89b-12d3-a456-426614174000".into(),
            }
        );
        let mut tool = EventDetail::ToolCall {
            function: "book".into(),
            arguments: json!({"email": "ann@example.com", "call_id": "4155550123"}),
            response: Some(json!({"card": "4111 1111 1111 1111", "at": "2024-01-15T10:30:00Z"})),
            error: None,
        };
        assert_eq!(r.detail("infer", &mut tool), 2);
        let EventDetail::ToolCall {
            arguments,
            response,
            ..
        } = tool
        else {
            unreachable!()
        };
        assert_eq!(
            arguments,
            json!({"email": "[email]", "call_id": "4155550123"})
        );
        assert_eq!(
            response,
            Some(json!({"card": "[card]", "at": "2024-01-15T10:30:00Z"}))
        );
    }

    #[test]
    fn notifications_leave_callers_data_out_unless_redaction_is_off() {
        let mut reason = "tool failed for ann.lee@example.com".to_string();
        Redaction::default_display().notice(&mut reason);
        assert_eq!(reason, "tool failed for [email]");
        let off = Redaction::configure("off", "all", None).unwrap();
        let mut reason = "tool failed for ann.lee@example.com".to_string();
        off.notice(&mut reason);
        assert_eq!(reason, "tool failed for ann.lee@example.com");
    }

    #[test]
    fn a_body_that_is_not_json_is_read_as_text() {
        let r = Redaction::default_display();
        assert_eq!(
            r.body("vapi", "not json 415-555-0123"),
            ("not json [phone]".into(), 1)
        );
        let clean = r#"{"call":{"id":"c1"}}"#;
        assert_eq!(r.body("vapi", clean), (clean.to_string(), 0));
    }
}
