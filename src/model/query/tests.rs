//! The query language, term by term, and its errors.

use super::*;

fn one(input: &str) -> Term {
    let q = Query::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
    assert_eq!(q.terms.len(), 1, "{input}");
    q.terms.into_iter().next().unwrap()
}

fn fails(input: &str) -> QueryError {
    Query::parse(input).expect_err(input)
}

#[test]
fn words_phrases_and_negation() {
    let q = Query::parse(r#"refund "front desk" -voicemail café"#).unwrap();
    let texts: Vec<_> = q.texts().collect();
    assert_eq!(
        texts,
        vec![
            ("refund", false, false),
            ("front desk", true, false),
            ("voicemail", false, true),
            ("café", false, false)
        ]
    );
    assert!(Query::parse("   ").unwrap().is_empty());
    // A lone dash is a word, not a negation of nothing.
    assert_eq!(
        one("-").filter,
        Filter::Text {
            text: "-".into(),
            phrase: false
        }
    );
}

#[test]
fn every_filter() {
    assert_eq!(one("status:live").filter, Filter::Status(StatusIs::Live));
    assert_eq!(one("status:Stale").filter, Filter::Status(StatusIs::Stale));
    assert_eq!(
        one("status:transferred").filter,
        Filter::Status(StatusIs::Transferred)
    );
    assert_eq!(one("status:ended").filter, Filter::Status(StatusIs::Ended));
    assert_eq!(one("ended_by:user").filter, Filter::EndedBy("user".into()));
    assert_eq!(
        one("has:tool_error").filter,
        Filter::Has(Feature::ToolError)
    );
    assert_eq!(one("has:hang").filter, Filter::Has(Feature::Hang));
    assert_eq!(
        one("has:interruption").filter,
        Filter::Has(Feature::Interruption)
    );
    assert_eq!(one("has:transfer").filter, Filter::Has(Feature::Transfer));
    assert_eq!(one("has:redacted").filter, Filter::Has(Feature::Redacted));
    assert_eq!(
        one("tool:lookupOrder").filter,
        Filter::Tool("lookupOrder".into())
    );
    assert_eq!(
        one(r#"tool:"look up""#).filter,
        Filter::Tool("look up".into())
    );
    assert_eq!(one("source:Vapi").filter, Filter::Source("vapi".into()));
    assert_eq!(one("caller:+1415").filter, Filter::Caller("+1415".into()));
    assert_eq!(
        one(r#"agent:"Northwind Support""#).filter,
        Filter::Agent("northwind support".into())
    );
    assert_eq!(one("duration>120").filter, Filter::Duration(Cmp::Gt, 120));
    assert_eq!(one("duration<=30").filter, Filter::Duration(Cmp::Le, 30));
    assert_eq!(one("duration>=5").filter, Filter::Duration(Cmp::Ge, 5));
    assert_eq!(one("duration<5").filter, Filter::Duration(Cmp::Lt, 5));
    assert_eq!(one("duration=5").filter, Filter::Duration(Cmp::Eq, 5));
    assert_eq!(one("duration:5").filter, Filter::Duration(Cmp::Eq, 5));
    assert_eq!(
        one("started>2026-05-01").filter,
        Filter::Started(Cmp::Gt, When::At(1_777_593_600_000))
    );
    assert_eq!(
        one("started>=2026-05-01T14:30").filter,
        Filter::Started(
            Cmp::Ge,
            When::At(1_777_593_600_000 + 14 * 3_600_000 + 30 * 60_000)
        )
    );
    assert_eq!(
        one("started>-1h").filter,
        Filter::Started(Cmp::Gt, When::Ago(3_600_000))
    );
    assert_eq!(
        one("started>-7d").filter,
        Filter::Started(Cmp::Gt, When::Ago(7 * 86_400_000))
    );
    let negated = one("-has:hang");
    assert!(negated.negated);
    assert_eq!(negated.filter, Filter::Has(Feature::Hang));
    assert_eq!(When::Ago(1_000).resolve(5_000), 4_000);
    assert_eq!(
        one("started:2026-05-01").filter,
        Filter::StartedOn(1_777_593_600_000)
    );
    assert_eq!(
        one("started=2026-05-01").filter,
        Filter::StartedOn(1_777_593_600_000)
    );
}

#[test]
fn errors_say_what_and_where() {
    let e = fails("refund status:gone");
    assert_eq!(e.at, 7);
    assert!(e.message.contains("unknown status `gone`"), "{e}");
    assert!(fails("has:everything").message.contains("tool_error, hang"));
    assert!(fails("colour:red")
        .message
        .contains("unknown filter `colour:`"));
    assert!(fails("duration>soon").message.contains("whole seconds"));
    assert!(fails("status>live")
        .message
        .contains("takes `status:value`"));
    assert!(fails("started>yesterday").message.contains("needs a date"));
    assert!(fails("started>-3w").message.contains("needs a date"));
    assert!(fails("tool:").message.contains("needs a value"));
    // Never a panic, never a wrap-around.
    assert!(fails("started>-1é").message.contains("needs a date"));
    assert!(fails("started>-é").message.contains("needs a date"));
    assert!(fails("started>-99999999999999999d")
        .message
        .contains("needs a date"));
    assert!(fails("duration>9223372036854775")
        .message
        .contains("whole seconds"));
    let open = fails(r#"ok "never closed"#);
    assert_eq!(open.at, 3);
    assert!(open.message.contains("never closed"));
    assert!(fails(r#""""#).message.contains("empty phrase"));
    assert_eq!(
        fails("café status:x").at,
        5,
        "positions count characters, not bytes"
    );
    assert_eq!(
        fails("x status:x").to_string(),
        "unknown status `x`: use live, ended, transferred or stale (at character 3)"
    );
}

#[test]
fn a_filter_term_reads_back_as_its_filter() {
    assert_eq!(filter_term("caller", "+14155550142"), "caller:+14155550142");
    let agent = filter_term("agent", "Northwind \"NW\" Support");
    assert_eq!(agent, "agent:\"Northwind NW Support\"");
    assert_eq!(
        one(&agent).filter,
        Filter::Agent("northwind nw support".into())
    );
}

#[test]
fn long_queries_many_terms_and_nul_are_refused() {
    // At the limits, a query is read.
    let longest = "a".repeat(MAX_QUERY_CHARS);
    assert_eq!(Query::parse(&longest).unwrap().terms.len(), 1);
    let most = vec!["w"; MAX_TERMS].join(" ");
    assert_eq!(Query::parse(&most).unwrap().terms.len(), MAX_TERMS);
    // Characters, not bytes: 1,000 accented letters are 2,000 bytes.
    assert!(Query::parse(&"é".repeat(MAX_QUERY_CHARS)).is_ok());

    let too_long = fails(&"a".repeat(MAX_QUERY_CHARS + 1));
    assert_eq!(
        too_long.to_string(),
        "a query has at most 1000 characters: shorten it (at character 1001)"
    );
    let too_many = fails(&format!("{most} status:live"));
    assert_eq!(too_many.at, 2 * MAX_TERMS);
    assert_eq!(
        too_many.message,
        "a query has at most 32 words, phrases and filters: remove some"
    );
    // The 40,000-term query of the report is refused by its length.
    assert_eq!(fails(&vec!["w"; 40_000].join(" ")).at, MAX_QUERY_CHARS);

    for (input, at) in [
        ("\0", 0),
        ("refund\0", 6),
        ("tool:é\0x", 6),
        ("\"a\0b\"", 2),
    ] {
        let nul = fails(input);
        assert_eq!(nul.at, at, "{input:?}");
        assert_eq!(
            nul.message,
            "a query cannot hold a NUL character (U+0000): remove it"
        );
    }
}

#[test]
fn review_terms() {
    assert_eq!(
        one("flag:Tool_Failed").filter,
        Filter::Flag("tool_failed".into())
    );
    assert_eq!(one("has:note").filter, Filter::Has(Feature::Note));
    assert_eq!(one("reviewed:yes").filter, Filter::Reviewed(true));
    assert_eq!(one("reviewed:no").filter, Filter::Reviewed(false));
    assert_eq!(one("score<3").filter, Filter::Score(Cmp::Lt, 3));
    assert_eq!(one("score>=4").filter, Filter::Score(Cmp::Ge, 4));
    assert_eq!(one("reviewer:Ann").filter, Filter::Reviewer("ann".into()));
    assert!(fails("score<9").message.contains("1 to 5"));
    assert!(fails("reviewed:maybe").message.contains("yes or no"));
    assert!(fails("flag>2").message.contains("flag:value"));
}
