//! JSON-path rules: parsing, errors, and whole-value replacement in payloads.

use serde_json::{json, Value};

use super::super::{parse_path, Detector, PathError, PathStep, Redactor, Rule};

#[test]
fn paths_parse() {
    use PathStep::{Each, Index, Key};
    let k = |s: &str| Key(s.to_owned());
    assert_eq!(
        parse_path("message.customer.number").unwrap(),
        [k("message"), k("customer"), k("number")]
    );
    assert_eq!(
        parse_path("transcript[*].message").unwrap(),
        [k("transcript"), Each, k("message")]
    );
    assert_eq!(parse_path("[0].text").unwrap(), [Index(0), k("text")]);
    assert_eq!(
        parse_path("a[1][*].b").unwrap(),
        [k("a"), Index(1), Each, k("b")]
    );
    assert_eq!(
        parse_path("toolCalls[12]").unwrap(),
        [k("toolCalls"), Index(12)]
    );
    assert_eq!(
        parse_path("données.numéro").unwrap(),
        [k("données"), k("numéro")]
    );
}

#[test]
fn bad_paths_say_where() {
    let cases: &[(&str, PathError)] = &[
        ("", PathError::Empty),
        (".a", PathError::EmptyKey { at: 0 }),
        ("a..b", PathError::EmptyKey { at: 2 }),
        ("a.", PathError::EmptyKey { at: 2 }),
        ("a.[0]", PathError::EmptyKey { at: 2 }),
        ("a[", PathError::Unclosed { at: 1 }),
        ("a[0", PathError::Unclosed { at: 1 }),
        (
            "a[]",
            PathError::BadIndex {
                at: 1,
                text: String::new(),
            },
        ),
        (
            "a[x]",
            PathError::BadIndex {
                at: 1,
                text: "x".into(),
            },
        ),
        (
            "a[-1]",
            PathError::BadIndex {
                at: 1,
                text: "-1".into(),
            },
        ),
        (
            "a[99999999999999999999999]",
            PathError::BadIndex {
                at: 1,
                text: "99999999999999999999999".into(),
            },
        ),
        ("a b", PathError::Unexpected { at: 1, ch: ' ' }),
        ("a]", PathError::Unexpected { at: 1, ch: ']' }),
        ("a.*", PathError::Unexpected { at: 2, ch: '*' }),
        ("a[0]b", PathError::Unexpected { at: 4, ch: 'b' }),
    ];
    for (path, want) in cases {
        assert_eq!(parse_path(path).as_ref(), Err(want), "{path:?}");
    }
}

fn path_rule(label: &str, path: &str) -> Rule {
    Rule::parse(label, &format!("path:{path}")).unwrap()
}

#[test]
fn payload_applies_path_rules_then_scoped_pass() {
    let rules = vec![
        path_rule("phone", "message.customer.number"),
        path_rule("said", "message.transcript[*].message"),
        path_rule("first", "message.transcript[0].secondsFromStart"),
        path_rule("callid", "message.call.id"),
        path_rule("retell", "message.call.id")
            .with_sources(vec!["retell".into()])
            .unwrap(),
    ];
    let r = Redactor::new(&[Detector::Phone], rules);
    let mut v = json!({"message": {
        "customer": {"number": 4155550123u64},
        "call": {"id": "call_7f3a9c2e", "createdAt": "2024-01-15T10:30:00Z"},
        "transcript": [
            {"role": "user", "message": "hello", "secondsFromStart": 1.5},
            {"role": "bot", "message": "hi", "secondsFromStart": 2.5}
        ],
        "summary": "Caller left 415-555-0123.",
        "missing": null
    }});
    let n = r.payload("vapi", &mut v);
    assert_eq!(
        v,
        json!({"message": {
            "customer": {"number": "[phone]"},
            "call": {"id": "[callid]", "createdAt": "2024-01-15T10:30:00Z"},
            "transcript": [
                {"role": "user", "message": "[said]", "secondsFromStart": "[first]"},
                {"role": "bot", "message": "[said]", "secondsFromStart": 2.5}
            ],
            "summary": "Caller left [phone].",
            "missing": null
        }})
    );
    assert_eq!(n, 6);
    // A second pass finds nothing new to count.
    assert_eq!(r.payload("vapi", &mut v), 0);
}

#[test]
fn path_rules_skip_missing_null_and_wrong_shapes() {
    let r = Redactor::new(
        &[],
        vec![path_rule("x", "a.b[*].c"), path_rule("y", "a.list[5]")],
    );
    let mut v = json!({"a": {"b": {"c": 1}, "list": [1, 2], "n": null}});
    let before = v.clone();
    assert_eq!(r.payload("s", &mut v), 0);
    assert_eq!(v, before);
    let r = Redactor::new(&[], vec![path_rule("x", "a.n"), path_rule("y", "a.obj")]);
    let mut v = json!({"a": {"n": null, "obj": {"deep": [1, {"k": "v"}]}}});
    assert_eq!(r.payload("s", &mut v), 1);
    assert_eq!(v, json!({"a": {"n": null, "obj": "[y]"}}));
}

#[test]
fn path_rules_reach_into_json_encoded_strings() {
    let r = Redactor::new(&[], vec![path_rule("acct", "call.args.account")]);
    let mut v = json!({"call": {"args": r#"{"account":"A-77","keep":"x"}"#}});
    assert_eq!(r.payload("s", &mut v), 1);
    let inner: Value = serde_json::from_str(v["call"]["args"].as_str().unwrap()).unwrap();
    assert_eq!(inner, json!({"account": "[acct]", "keep": "x"}));
}

#[test]
fn path_rules_respect_sources() {
    let rule = path_rule("n", "number")
        .with_sources(vec!["Retell".into()])
        .unwrap();
    let r = Redactor::new(&[], vec![rule]);
    let mut v = json!({"number": 5});
    assert_eq!(r.payload("vapi", &mut v), 0);
    assert_eq!(r.payload("retell", &mut v), 1);
    assert_eq!(v, json!({"number": "[n]"}));
}
