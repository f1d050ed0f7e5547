//! Alert rules as stored and edited: each kind with its options. The server
//! evaluates them (`server::alerts::evaluate`); the pages show and edit them.

use serde::{Deserialize, Serialize};

use super::rates::{RateOf, Severity};

/// A rule's kind and options. Stored as JSON in `rules.spec`; unknown kinds
/// and unknown options are errors, never ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum RuleSpec {
    /// A tool call whose response is an error.
    ToolError {},
    /// A hang notification, once a call has had `count` of them and (when
    /// set) the agent was silent at least `stall_seconds`.
    Hang {
        #[serde(default = "one")]
        count: u32,
        #[serde(default)]
        stall_seconds: Option<f64>,
    },
    /// A live call with no event for `seconds` (checked on a timer).
    StuckCall {
        #[serde(default = "sixty")]
        seconds: u32,
    },
    /// A call ended by someone, or for a reason, not on the `normal` list.
    EndedAbnormally {
        #[serde(default = "normal_endings")]
        normal: Vec<String>,
    },
    /// A call was transferred.
    Transfer {},
    /// The same function called `count` times or more in one call.
    ToolLoop {
        #[serde(default = "eight")]
        count: u32,
    },
    /// `count` or more refused webhook deliveries within `minutes`.
    WebhookAuthFailures {
        #[serde(default = "ten")]
        count: u32,
        #[serde(default = "five")]
        minutes: u32,
    },
    /// No accepted delivery for `minutes`.
    WebhookSilence {
        #[serde(default = "ten")]
        minutes: u32,
    },
    /// `percent` % or more of the calls active in the last `minutes` (and
    /// at least `min_calls` of them) had `of`; checked on a timer, it
    /// resolves itself once the share drops below the line.
    Rate {
        #[serde(default)]
        of: RateOf,
        #[serde(default = "thirty")]
        percent: u32,
        #[serde(default = "five")]
        minutes: u32,
        #[serde(default = "five")]
        min_calls: u32,
        /// For `slow-answer`: the median answer time over which a call counts.
        #[serde(default = "two")]
        seconds: f64,
        #[serde(default)]
        severity: Severity,
    },
    /// Any event of a type (or every type) whose field meets a condition.
    Match {
        #[serde(default)]
        event: Option<String>,
        #[serde(default)]
        field: Option<String>,
        #[serde(default)]
        op: MatchOp,
        #[serde(default)]
        value: String,
    },
}

fn one() -> u32 {
    1
}
fn five() -> u32 {
    5
}
fn eight() -> u32 {
    8
}
fn ten() -> u32 {
    10
}
fn sixty() -> u32 {
    60
}
fn thirty() -> u32 {
    30
}
fn two() -> f64 {
    2.0
}

/// End reasons and enders that are a normal hang-up.
pub fn normal_endings() -> Vec<String> {
    [
        "user",
        "agent",
        "customer-ended-call",
        "assistant-ended-call",
        "assistant-said-end-call-phrase",
        "customer-did-not-answer",
        "voicemail",
        // Vapi's other ordinary endings, then Retell's.
        "assistant-ended-call-with-hangup-task",
        "assistant-ended-call-after-message-spoken",
        "assistant-forwarded-call",
        "user_hangup",
        "agent_hangup",
        "call_transfer",
        "transfer_bridged",
        "voicemail_reached",
        "dial_no_answer",
        // LiveKit Agents', then ElevenLabs'.
        "participant_disconnected",
        "user_initiated",
        "task_completed",
        "Call ended by remote party",
        "no-answer",
    ]
    .map(String::from)
    .to_vec()
}

/// A test on one value of an event: a field of its JSON body (a dotted path
/// such as `metadata.functionName`), or its text when `field` is unset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub op: MatchOp,
    #[serde(default)]
    pub value: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchOp {
    Equals,
    #[default]
    Contains,
    Regex,
    /// The field is present (any value).
    Exists,
}

impl MatchOp {
    pub const ALL: [MatchOp; 4] = [
        MatchOp::Equals,
        MatchOp::Contains,
        MatchOp::Regex,
        MatchOp::Exists,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MatchOp::Equals => "equals",
            MatchOp::Contains => "contains",
            MatchOp::Regex => "regex",
            MatchOp::Exists => "exists",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.as_str() == s)
    }
}

impl Condition {
    /// "tool-call whose metadata.functionName equals \"refund\"".
    pub fn describe(&self, what: &str) -> String {
        let field = self.field.as_deref().unwrap_or("its text");
        match self.op {
            MatchOp::Exists => format!("{what} with {field} present"),
            op => format!("{what} whose {field} {} {:?}", op.as_str(), self.value),
        }
    }
}

impl RuleSpec {
    /// The kind's name, as in `rules.kind` and the provisioning file.
    pub fn kind(&self) -> &'static str {
        match self {
            RuleSpec::ToolError {} => "tool-error",
            RuleSpec::Hang { .. } => "hang",
            RuleSpec::StuckCall { .. } => "stuck-call",
            RuleSpec::EndedAbnormally { .. } => "ended-abnormally",
            RuleSpec::Transfer {} => "transfer",
            RuleSpec::ToolLoop { .. } => "tool-loop",
            RuleSpec::WebhookAuthFailures { .. } => "webhook-auth-failures",
            RuleSpec::WebhookSilence { .. } => "webhook-silence",
            RuleSpec::Rate { .. } => "rate",
            RuleSpec::Match { .. } => "match",
        }
    }

    /// One line saying what the rule watches for, with its options.
    pub fn describe(&self) -> String {
        match self {
            RuleSpec::ToolError {} => "A tool call's response is an error".into(),
            RuleSpec::Hang {
                count,
                stall_seconds,
            } => {
                let mut s = if *count <= 1 {
                    "A hang notification".to_string()
                } else {
                    format!("{count} or more hang notifications in a call")
                };
                if let Some(secs) = stall_seconds {
                    s.push_str(&format!(" with the agent silent ≥ {secs} s"));
                }
                s
            }
            RuleSpec::StuckCall { seconds } => format!("A live call with no event for {seconds} s"),
            RuleSpec::EndedAbnormally { normal } => {
                format!("A call ended other than by: {}", normal.join(", "))
            }
            RuleSpec::Transfer {} => "A call is transferred".into(),
            RuleSpec::ToolLoop { count } => {
                format!("The same function called {count} times or more in a call")
            }
            RuleSpec::WebhookAuthFailures { count, minutes } => {
                format!("{count} or more refused webhook deliveries within {minutes} min")
            }
            RuleSpec::WebhookSilence { minutes } => {
                format!("No accepted webhook delivery for {minutes} min")
            }
            RuleSpec::Rate {
                of,
                percent,
                minutes,
                min_calls,
                seconds,
                severity,
            } => format!(
                "{}: {percent} % or more of the calls of the last {minutes} min {} (at least {min_calls} calls)",
                severity.label(),
                of.had(*seconds)
            ),
            RuleSpec::Match { event, .. } => {
                let what = event.as_deref().unwrap_or("any event");
                self.condition()
                    .map(|c| c.describe(what))
                    .unwrap_or_default()
            }
        }
    }

    /// A `match` rule's condition.
    pub fn condition(&self) -> Option<Condition> {
        match self {
            RuleSpec::Match {
                field, op, value, ..
            } => Some(Condition {
                field: field.clone(),
                op: *op,
                value: value.clone(),
            }),
            _ => None,
        }
    }

    /// True for the rules checked on a timer rather than on each event.
    pub fn is_timed(&self) -> bool {
        matches!(
            self,
            RuleSpec::StuckCall { .. }
                | RuleSpec::WebhookAuthFailures { .. }
                | RuleSpec::WebhookSilence { .. }
                | RuleSpec::Rate { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_read_with_defaults_and_refuse_unknown_options() {
        let spec: RuleSpec = serde_json::from_str(r#"{"kind":"stuck-call"}"#).unwrap();
        assert_eq!(spec, RuleSpec::StuckCall { seconds: 60 });
        let spec: RuleSpec = serde_json::from_str(r#"{"kind":"tool-loop","count":3}"#).unwrap();
        assert_eq!(spec, RuleSpec::ToolLoop { count: 3 });
        assert!(serde_json::from_str::<RuleSpec>(r#"{"kind":"tool-loop","cuont":3}"#).is_err());
        assert!(serde_json::from_str::<RuleSpec>(r#"{"kind":"nope"}"#).is_err());
    }

    #[test]
    fn match_rules_round_trip() {
        let spec: RuleSpec = serde_json::from_str(
            r#"{"kind":"match","event":"tool-call","field":"metadata.functionName","op":"equals","value":"refund"}"#,
        )
        .unwrap();
        let RuleSpec::Match {
            event, op, value, ..
        } = &spec
        else {
            panic!("not a match rule: {spec:?}");
        };
        assert_eq!(event.as_deref(), Some("tool-call"));
        assert_eq!(*op, MatchOp::Equals);
        assert_eq!(value, "refund");
        let back: RuleSpec = serde_json::from_str(&serde_json::to_string(&spec).unwrap()).unwrap();
        assert_eq!(back, spec);
    }

    #[test]
    fn the_built_in_rows_of_the_migration_parse() {
        let sql = include_str!("../../migrations/sqlite/0006_alerts_automations.sql");
        let specs: Vec<RuleSpec> = sql
            .lines()
            .filter_map(|l| l.split('\'').find(|part| part.starts_with("{\"kind\"")))
            .map(|json| serde_json::from_str(json).expect(json))
            .collect();
        assert_eq!(specs.len(), 8);
        // Brought up to date by later migrations: the latest sets today's
        // defaults, each replacing the list the one before left.
        let later = include_str!("../../migrations/sqlite/0023_traced_endings.sql");
        let set = later
            .lines()
            .find_map(|l| l.split('\'').find(|part| part.starts_with("{\"kind\"")))
            .expect("the UPDATE's spec");
        assert_eq!(
            serde_json::from_str::<RuleSpec>(set).unwrap(),
            RuleSpec::EndedAbnormally {
                normal: normal_endings()
            }
        );
        let created = later
            .lines()
            .filter_map(|l| l.split('\'').find(|part| part.starts_with("{\"kind\"")))
            .nth(1)
            .expect("the spec it replaces");
        let before = include_str!("../../migrations/sqlite/0008_platform_endings.sql");
        assert!(
            before.contains(&format!("SET spec = '{created}'")),
            "it replaces the list 0008 set"
        );
        let first = before
            .lines()
            .filter_map(|l| l.split('\'').find(|part| part.starts_with("{\"kind\"")))
            .nth(1)
            .expect("the spec 0008 replaces");
        assert!(sql.contains(first), "0008 replaces the list 0006 created");
    }
}
