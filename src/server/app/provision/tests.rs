use super::*;
use crate::model::MatchOp;

/// The example in docs/alerts.md, kept in step by
/// [`the_documented_example_is_this_one`].
pub const EXAMPLE: &str = r#"
[[channel]]
name = "ops"
kind = "webhook"            # "slack" | "webhook" | "email"
url = "https://hooks.example.com/calltrail"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

[[channel]]
name = "team-slack"
kind = "slack"
url = "https://hooks.slack.com/services/T000/B000/XXXX"

[[channel]]
name = "on-call"
kind = "email"
host = "smtp.example.com"
tls = "starttls"
username = "calltrail"
password = "app-password"
from = "calltrail@example.com"
to = ["oncall@example.com"]

[[rule]]
kind = "tool-error"
channels = ["ops", "team-slack"]

[[rule]]
kind = "stuck-call"
seconds = 60
channels = ["ops"]

[[rule]]
kind = "tool-loop"
count = 5
cooldown_secs = 600

[[rule]]
kind = "transfer"
enabled = false

[[rule]]
name = "refunds"
kind = "match"
event = "tool-call"
field = "metadata.functionName"
op = "equals"
value = "refund"
channels = ["on-call"]

[[destination]]
name = "crm"
url = "https://crm.example.com/infer-events"
events = ["tool-call", "end-call"]   # omitted = all
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

[[destination]]
name = "warehouse"
url = "https://etl.example.com/calls"
condition = { field = "metadata.role", op = "equals", value = "user" }
"#;

#[test]
fn the_readme_example_reads_and_checks() {
    let p = Provision::parse(EXAMPLE).unwrap();
    p.validate(false).unwrap();
    assert_eq!(p.channels.len(), 3);
    assert_eq!(p.channels[2].1.kind(), crate::model::ChannelKind::Email);
    assert_eq!(p.rules.len(), 5);
    assert_eq!(p.rules[1].name, "stuck-call");
    assert_eq!(p.rules[1].spec, RuleSpec::StuckCall { seconds: 60 });
    assert_eq!(p.rules[2].cooldown_secs, 600);
    assert!(!p.rules[3].enabled);
    assert_eq!(p.rules[4].name, "refunds");
    assert_eq!(p.rules[4].spec.condition().unwrap().op, MatchOp::Equals);
    assert_eq!(p.destinations[0].events, ["tool-call", "end-call"]);
    assert!(p.destinations[1].condition.is_some());
}

#[test]
fn mistakes_are_errors_that_say_where() {
    let typo = "[[rule]]\nkind = \"stuck-call\"\nsecond = 60\n";
    let e = format!("{:#}", Provision::parse(typo).unwrap_err());
    assert!(e.contains("rule 1") && e.contains("second"), "{e}");

    let unknown = "[[rule]]\nkind = \"tool-error\"\nchannels = [\"nobody\"]\n";
    let e = Provision::parse(unknown)
        .unwrap()
        .validate(false)
        .unwrap_err();
    assert!(e.to_string().contains("\"nobody\""), "{e}");

    let private = "[[destination]]\nname = \"x\"\nurl = \"http://127.0.0.1:9/\"\n";
    let p = Provision::parse(private).unwrap();
    assert!(p.validate(false).is_err());
    assert!(p.validate(true).is_ok());

    let relay = "[[channel]]\nname = \"mail\"\nkind = \"email\"\nhost = \"10.0.0.25\"\n\
                 from = \"a@example.com\"\nto = [\"b@example.com\"]\n";
    let p = Provision::parse(relay).unwrap();
    let e = format!("{:#}", p.validate(false).unwrap_err());
    assert!(
        e.contains("channel \"mail\"") && e.contains("10.0.0.25 is a loopback or private"),
        "{e}"
    );
    assert!(p.validate(true).is_ok());

    let nameless = "[[channel]]\nkind = \"slack\"\nurl = \"https://x.example\"\n";
    assert!(Provision::parse(nameless).is_err());
}

#[test]
fn the_documented_example_is_this_one() {
    let doc = include_str!("../../../../docs/alerts.md");
    assert!(
        doc.contains(EXAMPLE.trim()),
        "docs/alerts.md's provisioning example differs from provision/tests.rs's EXAMPLE"
    );
}

/// The provisioning example in docs/teams.md.
const TEAM_EXAMPLE: &str = r#"
[[user]]
name = "alice"
role = "editor"        # an account not there yet is made with no password:
                       # single sign-on, or a reset link, lets them in

[redaction]
mode = "display"                    # wins over CALLTRAIL_REDACTION
detectors = "phone,email,card,national_id,address"
sources = { vapi = "ingest" }       # a source's own mode

[[redaction.rule]]
label = "order"                     # shown as [order]
pattern = "regex:ORD-\\d{6}"        # in text fields, like the detectors
sources = ["infer"]                 # leave out: every source

[[redaction.rule]]
label = "customer"
pattern = "path:message.customer.number"   # a whole value of the raw payload (at ingest)
"#;

#[test]
fn users_and_redaction_are_read_strictly() {
    use crate::model::AccountRole;
    use crate::server::app::redaction::{Mode, Redaction};
    let p = Provision::parse(TEAM_EXAMPLE).unwrap();
    p.validate(false).unwrap();
    assert_eq!(p.users[0].name, "alice");
    assert_eq!(p.users[0].role, AccountRole::Editor);
    let file = p.redaction.as_ref().unwrap();
    let r = Redaction::configure("off", "", Some(file)).unwrap();
    assert_eq!(r.mode("vapi"), Mode::Ingest);
    assert_eq!(r.mode("infer"), Mode::Display);
    let (text, marks) = r
        .redactor()
        .text("infer", "order ORD-123456 for 415-555-0123");
    assert_eq!((text.as_ref(), marks), ("order [order] for [phone]", 2));
    let (text, _) = r.redactor().text("vapi", "order ORD-123456");
    assert_eq!(text, "order ORD-123456");

    assert!(Provision::parse("[[user]]\nname = \"x\"\nrole = \"owner\"\n").is_err());
    for wrong in [
        "[redaction]\nmode = \"sometimes\"\n",
        "[redaction]\ndetectors = \"phone,iban\"\n",
        "[[redaction.rule]]\nlabel = \"x\"\npattern = \"regex:(\"\n",
    ] {
        let p = Provision::parse(wrong).unwrap();
        assert!(p.validate(false).is_err(), "{wrong}");
    }
}

#[test]
fn the_documented_team_example_is_this_one() {
    let doc = include_str!("../../../../docs/teams.md");
    assert!(
        doc.contains(TEAM_EXAMPLE.trim()),
        "docs/teams.md's provisioning example differs from provision/tests.rs's TEAM_EXAMPLE"
    );
}
