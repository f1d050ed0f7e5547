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
    /// that, and blocks. Both are mrkdwn, so every field is escaped (the
    /// rule, call and reason come from webhooks: `<!channel>` or
    /// `<https://…|label>` in them must stay text) and kept to one line.
    pub fn slack_json(&self) -> Value {
        let rule = slack_text(&self.rule, FIELD);
        let reason = slack_text(&self.reason, REASON);
        let call = self
            .call_id
            .as_deref()
            .map(|c| format!(" on call `{}`", slack_text(c, FIELD)))
            .unwrap_or_default();
        let text = format!("[calltrail] {rule}{call}: {reason}");
        json!({
            "text": text,
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn",
                    "text": format!("*{rule}*{call}\n{reason}")}},
                {"type": "context", "elements": [{"type": "mrkdwn",
                    "text": format!("{} match(es) · <{}|open in calltrail>",
                        self.count, slack_escape(&self.link))}]}
            ]
        })
    }

    /// An email's subject and plain-text body; each field is one line, so
    /// a field cannot forge the lines after it.
    pub fn email(&self) -> (String, String) {
        let rule = fold(&self.rule, FIELD);
        let call_id = self.call_id.as_deref().map(|c| fold(c, FIELD));
        let call = call_id
            .as_deref()
            .map(|c| format!(" on call {c}"))
            .unwrap_or_default();
        let subject = format!("[calltrail] {rule}{call}");
        let body = format!(
            "{}\n\nRule: {rule}\nCall: {}\nMatches: {}\nOpened: {}\n\n{}\n",
            fold(&self.reason, REASON),
            call_id.as_deref().unwrap_or("-"),
            self.count,
            format::datetime(self.opened_at),
            self.link
        );
        (subject, body)
    }
}

/// Characters of a rule name or call id a notification shows.
const FIELD: usize = 120;
/// Characters of a reason a notification shows.
const REASON: usize = 500;

/// `s` folded onto one line (line breaks and other control characters
/// become spaces), cut to `max` characters; `…` marks anything left out.
fn fold(s: &str, max: usize) -> String {
    let mut line: String = s
        .chars()
        .take(max)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.chars().nth(max).is_some() {
        line.push('…');
    }
    line
}

/// Text for Slack mrkdwn: one line, cut, and escaped.
fn slack_text(s: &str, max: usize) -> String {
    slack_escape(&fold(s, max))
}

/// Escapes what Slack reads as markup — `&`, `<` and `>` — so mentions
/// (`<!channel>`, `<@U123>`) and links (`<url|label>`) stay plain text.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
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
    fn slack_shows_webhook_text_as_text() {
        let mut alert = alert();
        alert.rule_name = "vip & <!here>".into();
        alert.call_id = Some("c<@U123>".into());
        alert.reason =
            "Tool book failed: <!channel> <https://evil.example|Click to re-auth>\nfake line"
                .into();
        let slack = Notification::of(&alert, "https://calltrail.example.com").slack_json();
        let reason = "Tool book failed: &lt;!channel&gt; \
                      &lt;https://evil.example|Click to re-auth&gt; fake line";
        assert_eq!(
            slack["text"],
            format!("[calltrail] vip &amp; &lt;!here&gt; on call `c&lt;@U123&gt;`: {reason}")
        );
        assert_eq!(
            slack["blocks"][0]["text"]["text"],
            format!("*vip &amp; &lt;!here&gt;* on call `c&lt;@U123&gt;`\n{reason}")
        );
        // calltrail's own link stays a link.
        assert_eq!(
            slack["blocks"][1]["elements"][0]["text"],
            "2 match(es) · <https://calltrail.example.com/calls/c%3C%40U123%3E?at=17#e17|open in calltrail>"
        );
    }

    #[test]
    fn fields_are_one_line_and_clipped() {
        assert_eq!(fold("a\r\nb\tc", 10), "a  b c");
        assert_eq!(fold("abcdef", 3), "abc…");
        assert_eq!(fold("abc", 3), "abc");
        let mut alert = alert();
        alert.reason = format!("{}\nmore", "x".repeat(2000));
        alert.call_id = Some("y".repeat(1000));
        let n = Notification::of(&alert, "http://x");
        let text = n.slack_json()["text"].as_str().unwrap().to_string();
        assert!(!text.contains('\n'));
        assert!(
            text.contains(&format!("`{}…`", "y".repeat(FIELD))),
            "{text}"
        );
        assert!(
            text.ends_with(&format!(": {}…", "x".repeat(REASON))),
            "{text}"
        );
        let (subject, body) = n.email();
        assert_eq!(
            subject,
            format!("[calltrail] tool-error on call {}…", "y".repeat(FIELD))
        );
        assert_eq!(
            body.lines().next(),
            Some(&*format!("{}…", "x".repeat(REASON)))
        );
    }

    #[test]
    fn a_test_links_to_automations() {
        assert_eq!(
            Notification::test("http://x", 0).link,
            "http://x/automations"
        );
    }
}
