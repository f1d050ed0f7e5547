//! Custom rules, configuration parsing and its errors.

use super::super::{ConfigError, Detector, PathError, RedactionConfig, Redactor, Rule, RuleKind};

#[test]
fn regex_rule_redacts_in_text() {
    let rule = Rule::parse("order", r"regex:ORD-\d{6}").unwrap();
    let r = Redactor::new(&Detector::ALL, vec![rule]);
    let (out, n) = r.text("vapi", "order ORD-123456 and ORD-12345, call 415-555-0123");
    assert_eq!(out, "order [order] and ORD-12345, call [phone]");
    assert_eq!(n, 2);
}

#[test]
fn custom_rule_wins_overlaps_with_builtins() {
    let rule = Rule::parse("support", r"regex:\+1 800 \d{3} \d{4}").unwrap();
    let r = Redactor::new(&Detector::ALL, vec![rule]);
    assert_eq!(
        r.text("s", "support +1 800 555 0199, me +1 415 555 0123").0,
        "support [support], me [phone]"
    );
}

#[test]
fn rule_sources_scope_regex_rules() {
    let rule = Rule::parse("acct", r"regex:ACCT-\d+")
        .unwrap()
        .with_sources(vec!["vapi".into(), "retell".into()])
        .unwrap();
    let r = Redactor::new(&[], vec![rule]);
    assert_eq!(r.text("vapi", "ACCT-42").0, "[acct]");
    assert_eq!(r.text("VAPI", "ACCT-42").0, "[acct]");
    assert_eq!(r.text("retell", "ACCT-42").0, "[acct]");
    assert_eq!(r.text("bland", "ACCT-42"), ("ACCT-42".into(), 0));
}

#[test]
fn hand_built_rules_with_empty_matches_are_harmless() {
    // Rule fields are public, so a rule can bypass `parse`'s checks.
    let rule = Rule {
        label: "x".into(),
        kind: RuleKind::Regex(regex::Regex::new("z*").unwrap()),
        sources: None,
    };
    let r = Redactor::new(&[], vec![rule]);
    assert_eq!(r.text("s", "abc"), ("abc".into(), 0));
    assert_eq!(r.text("s", "azzc"), ("a[x]c".into(), 1));
}

#[test]
fn bad_rules_are_errors() {
    let err = |label: &str, spec: &str| Rule::parse(label, spec).unwrap_err();
    assert!(matches!(err("x", "regex:("), ConfigError::BadRegex { .. }));
    assert!(matches!(
        err("x", "regex:a*"),
        ConfigError::EmptyMatch { .. }
    ));
    assert!(matches!(err("x", "regex:"), ConfigError::EmptyMatch { .. }));
    assert!(matches!(
        err("x", "path:a..b"),
        ConfigError::BadPath {
            source: PathError::EmptyKey { at: 2 },
            ..
        }
    ));
    assert!(matches!(
        err("x", "path:"),
        ConfigError::BadPath {
            source: PathError::Empty,
            ..
        }
    ));
    assert!(matches!(
        err("x", "glob:*.txt"),
        ConfigError::UnknownKind { .. }
    ));
    assert!(matches!(
        err("x", "ORD-\\d+"),
        ConfigError::UnknownKind { .. }
    ));
    for label in ["", "has space", "[x]", "x]", &"a".repeat(33)] {
        assert!(
            matches!(err(label, "regex:x"), ConfigError::BadLabel(_)),
            "{label:?}"
        );
    }
    let rule = || Rule::parse("x", "regex:x").unwrap();
    assert!(matches!(
        rule().with_sources(vec![]),
        Err(ConfigError::EmptySources { .. })
    ));
    assert!(matches!(
        rule().with_sources(vec![" ".into()]),
        Err(ConfigError::BlankSource { .. })
    ));
    assert_eq!(
        err("order", "regex:(").to_string().lines().next().unwrap(),
        "rule \"order\": bad regex: regex parse error:"
    );
    assert_eq!(
        err("n", "path:a[x]").to_string(),
        "rule \"n\": bad path: bad array index \"x\" at byte 1 (expected a number or *)"
    );
}

#[test]
fn detectors_parse_strictly() {
    use Detector::*;
    assert_eq!(Detector::parse("phone").unwrap(), Phone);
    assert_eq!("national_id".parse::<Detector>().unwrap(), NationalId);
    for bad in ["Phone", "phones", "ssn", " phone", ""] {
        assert!(
            matches!(Detector::parse(bad), Err(ConfigError::UnknownDetector(_))),
            "{bad:?}"
        );
    }
    assert_eq!(
        Detector::parse_list("phone,email,card").unwrap(),
        [Phone, Email, Card]
    );
    assert_eq!(
        Detector::parse_list(" address , national_id ").unwrap(),
        [Address, NationalId]
    );
    assert_eq!(Detector::parse_list("all").unwrap(), Detector::ALL);
    assert_eq!(Detector::parse_list("  ").unwrap(), []);
    assert!(matches!(
        Detector::parse_list("phone,,email"),
        Err(ConfigError::EmptyDetectorName(_))
    ));
    assert!(matches!(
        Detector::parse_list("phone,"),
        Err(ConfigError::EmptyDetectorName(_))
    ));
    assert!(matches!(
        Detector::parse_list("phone,phone"),
        Err(ConfigError::DuplicateDetector(_))
    ));
    assert!(matches!(
        Detector::parse_list("all,phone"),
        Err(ConfigError::UnknownDetector(_))
    ));
    assert!(matches!(
        Detector::parse_list("phone;email"),
        Err(ConfigError::UnknownDetector(_))
    ));
    for d in Detector::ALL {
        assert_eq!(Detector::parse(d.name()).unwrap(), d);
    }
}

#[test]
fn config_from_json() {
    let config: RedactionConfig = serde_json::from_str(
        r#"{"detectors": "phone,email",
            "rules": [
              {"label": "order", "pattern": "regex:ORD-\\d{6}"},
              {"label": "phone", "pattern": "path:message.customer.number", "sources": ["vapi"]}
            ]}"#,
    )
    .unwrap();
    let r = Redactor::from_config(config).unwrap();
    let mut v = serde_json::json!({"message": {"customer": {"number": 14155550123u64},
        "summary": "ORD-123456 for jane@example.com, card 4111111111111111"}});
    assert_eq!(r.payload("vapi", &mut v), 3);
    assert_eq!(
        v,
        serde_json::json!({"message": {"customer": {"number": "[phone]"},
            "summary": "[order] for [email], card 4111111111111111"}})
    );

    let unknown_field = serde_json::from_str::<RedactionConfig>(
        r#"{"detectors": "phone", "rules": [{"label": "x", "pattern": "regex:x", "source": ["vapi"]}]}"#,
    );
    assert!(unknown_field
        .unwrap_err()
        .to_string()
        .contains("unknown field `source`"));
    let bad = serde_json::from_str::<RedactionConfig>(r#"{"detectors": "phone,fax"}"#).unwrap();
    assert!(
        matches!(Redactor::from_config(bad), Err(ConfigError::UnknownDetector(d)) if d == "fax")
    );
}
