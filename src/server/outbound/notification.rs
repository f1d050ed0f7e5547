//! What an alert notification says, in each channel's form. It names the
//! rule, the call, a one-line reason, the counts and a link — never the
//! transcript.

use serde_json::{json, Value};

use crate::model::{format, AlertView};

#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    pub alert_id: Option<i64>,
    pub rule: String,
    pub call_id: Option<String>,
    pub reason: String,
    pub count: i64,
    pub opened_at: i64,
    /// An absolute URL to the event (or the inbox).
    pub link: String,
}

impl Notification {
    /// The notification of `alert`; links start at `base` (the public URL).
    pub fn of(alert: &AlertView, base: &str) -> Self {
        let path = alert.link().unwrap_or_else(|| "/alerts".into());
        Notification {
            alert_id: Some(alert.id),
            rule: alert.rule_name.clone(),
            call_id: alert.call_id.clone(),
            reason: alert.reason.clone(),
            count: alert.count,
            opened_at: alert.opened_at,
            link: absolute(base, &path),
        }
    }

    /// What "Send test" sends.
    pub fn test(base: &str, now: i64) -> Self {
        Notification {
            alert_id: None,
            rule: "test".into(),
            call_id: None,
            reason: "A test notification from calltrail: this channel works.".into(),
            count: 1,
            opened_at: now,
            link: absolute(base, "/automations"),
        }
    }

    /// The generic webhook's JSON.
    pub fn webhook_json(&self) -> Value {
        json!({
            "type": if self.alert_id.is_some() { "alert.opened" } else { "alert.test" },
            "alert_id": self.alert_id,
            "rule": self.rule,
            "call_id": self.call_id,
            "reason": self.reason,
            "count": self.count,
            "opened_at": self.opened_at,
            "link": self.link,
        })
    }

    /// A Slack incoming webhook's JSON: `text` for clients that show only
    /// that, and blocks.
    pub fn slack_json(&self) -> Value {
        let call = self
            .call_id
            .as_deref()
            .map(|c| format!(" on call `{c}`"))
            .unwrap_or_default();
        let text = format!("[calltrail] {}{call}: {}", self.rule, self.reason);
        json!({
            "text": text,
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn",
                    "text": format!("*{}*{call}\n{}", self.rule, self.reason)}},
                {"type": "context", "elements": [{"type": "mrkdwn",
                    "text": format!("{} match(es) · <{}|open in calltrail>", self.count, self.link)}]}
            ]
        })
    }

    /// An email's subject and plain-text body.
    pub fn email(&self) -> (String, String) {
        let call = self
            .call_id
            .as_deref()
            .map(|c| format!(" on call {c}"))
            .unwrap_or_default();
        let subject = format!("[calltrail] {}{call}", self.rule);
        let body = format!(
            "{}\n\nRule: {}\nCall: {}\nMatches: {}\nOpened: {}\n\n{}\n",
            self.reason,
            self.rule,
            self.call_id.as_deref().unwrap_or("-"),
            self.count,
            format::datetime(self.opened_at),
            self.link
        );
        (subject, body)
    }
}

fn absolute(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AlertState;

    fn alert() -> AlertView {
        AlertView {
            id: 4,
            rule_id: 1,
            rule_name: "tool-error".into(),
            rule_kind: "tool-error".into(),
            call_id: Some("call 1".into()),
            event_id: Some(17),
            reason: "Tool book failed: timeout".into(),
            state: AlertState::Open,
            count: 2,
            opened_at: 0,
            last_seen_at: 0,
            snoozed_until: None,
        }
    }

    #[test]
    fn the_webhook_json_links_to_the_event() {
        let n = Notification::of(&alert(), "https://calltrail.example.com/");
        let body = n.webhook_json();
        assert_eq!(body["rule"], "tool-error");
        assert_eq!(body["call_id"], "call 1");
        assert_eq!(body["reason"], "Tool book failed: timeout");
        assert_eq!(
            body["link"],
            "https://calltrail.example.com/calls/call%201?at=17#e17"
        );
        assert_eq!(body["count"], 2);
    }

    #[test]
    fn slack_and_email_say_the_same() {
        let n = Notification::of(&alert(), "http://localhost:3000");
        let slack = n.slack_json();
        assert_eq!(
            slack["text"],
            "[calltrail] tool-error on call `call 1`: Tool book failed: timeout"
        );
        let (subject, body) = n.email();
        assert_eq!(subject, "[calltrail] tool-error on call call 1");
        assert!(body.contains("http://localhost:3000/calls/call%201?at=17#e17"));
    }

    #[test]
    fn a_test_links_to_automations() {
        assert_eq!(
            Notification::test("http://x", 0).link,
            "http://x/automations"
        );
    }
}
