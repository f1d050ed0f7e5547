//! Realistic transcript lines with personal data: exact outputs and counts.

use super::super::{Detector, Redactor};
use super::red;

/// (input, expected output, marks)
const CASES: &[(&str, &str, u32)] = &[
    // phones: North American
    (
        "You can reach me at (415) 555-0123 after five.",
        "You can reach me at [phone] after five.",
        1,
    ),
    (
        "My cell is 415-555-0123, thanks.",
        "My cell is [phone], thanks.",
        1,
    ),
    ("It's 415.555.0123.", "It's [phone].", 1),
    ("it's 415 555 0123 yeah", "it's [phone] yeah", 1),
    (
        "yeah it's 1-800-555-0199 toll free",
        "yeah it's [phone] toll free",
        1,
    ),
    ("the number is 4155550123", "the number is [phone]", 1),
    ("number 14155550123 ok", "number [phone] ok", 1),
    // phones: international
    (
        "Call the London office on +44 20 7946 0958 please",
        "Call the London office on [phone] please",
        1,
    ),
    (
        "text +14155550123 when you land",
        "text [phone] when you land",
        1,
    ),
    ("+1 (415) 555-0123", "[phone]", 1),
    ("(415)555-0123 or +1-415-555-0123", "[phone] or [phone]", 2),
    ("call +1 415 555 0123 12 times", "call [phone] 12 times", 1),
    (
        "my number's +44 7700 900123, or +91 98765 43210",
        "my number's [phone], or [phone]",
        2,
    ),
    (
        "from abroad dial 0044 20 7946 0958",
        "from abroad dial [phone]",
        1,
    ),
    ("tel:+33 1 23 45 67 89", "tel:[phone]", 1),
    ("Berlin: +49 30 1234567.", "Berlin: [phone].", 1),
    // phones: trunk-prefixed national
    (
        "my Liverpool number is 0151 123 4567",
        "my Liverpool number is [phone]",
        1,
    ),
    ("Mobile: 07700 900123.", "Mobile: [phone].", 1),
    ("the office is (020) 7946 0958", "the office is [phone]", 1),
    (
        "appelle-moi au 06 12 34 56 78 demain",
        "appelle-moi au [phone] demain",
        1,
    ),
    ("my number is 07700900123", "my number is [phone]", 1),
    (
        "call 020 7946 0958 or 415-555-0123",
        "call [phone] or [phone]",
        2,
    ),
    // cards: only Luhn-valid
    (
        "My card is 4111 1111 1111 1111, expiry 12/27.",
        "My card is [card], expiry 12/27.",
        1,
    ),
    (
        "card 4111 1111 1111 1112 please",
        "card 4111 1111 1111 1112 please",
        0,
    ),
    ("it's 4111-1111-1111-1111", "it's [card]", 1),
    ("4111111111111111", "[card]", 1),
    ("4111111111111112", "4111111111111112", 0),
    (
        "amex 3782 822463 10005 and 378282246310005",
        "amex [card] and [card]",
        2,
    ),
    (
        "5555 5555 5555 4444 is the mastercard",
        "[card] is the mastercard",
        1,
    ),
    (
        "4111 1111 1111 1111 123 is the CVV",
        "[card] 123 is the CVV",
        1,
    ),
    (
        "phone 415 555 0123 4111 1111 1111 1111",
        "phone [phone] [card]",
        2,
    ),
    // national ids
    ("my social is 123-45-6789.", "my social is [ssn].", 1),
    ("SSN 078-05-1120", "SSN [ssn]", 1),
    ("social 123 45 6789 ok", "social [ssn] ok", 1),
    (
        "invalid: 666-12-3456 900-12-3456 123-00-4567 123-45-0000 000-12-3456",
        "invalid: 666-12-3456 900-12-3456 123-00-4567 123-45-0000 000-12-3456",
        0,
    ),
    (
        "NI number AB123456C, or AB 12 34 56 C",
        "NI number [ssn], or [ssn]",
        2,
    ),
    (
        "not NINOs: GB123456A DA123456A QQ123456C AB123456E",
        "not NINOs: GB123456A DA123456A QQ123456C AB123456E",
        0,
    ),
    // e-mail
    (
        "email me at jane.doe+calls@example.co.uk.",
        "email me at [email].",
        1,
    ),
    ("JOHN_SMITH99@Mail.Example.COM", "[email]", 1),
    ("mailto:ops@calltrail.dev", "mailto:[email]", 1),
    ("4155550123@txt.example.com", "[email]", 1),
    (
        "not an address: user@localhost or @handle",
        "not an address: user@localhost or @handle",
        0,
    ),
    // street addresses
    (
        "I live at 1600 Pennsylvania Avenue in Washington",
        "I live at [address] in Washington",
        1,
    ),
    (
        "send it to 221B Baker Street, London.",
        "send it to [address], London.",
        1,
    ),
    ("we're at 350 5th Avenue", "we're at [address]", 1),
    (
        "it's 12 Main St. near the park",
        "it's [address]. near the park",
        1,
    ),
    ("10 Downing Street", "[address]", 1),
    (
        "4 Privet Drive, Little Whinging",
        "[address], Little Whinging",
        1,
    ),
    (
        "Chapter 3 The Way of Kings, 2 For The Road, 2 big streets, 3 Main",
        "Chapter 3 The Way of Kings, 2 For The Road, 2 big streets, 3 Main",
        0,
    ),
    // mixed
    (
        "Hi, it's about order ORD-123456; my number is (415) 555-0123 and email jane@example.com.",
        "Hi, it's about order ORD-123456; my number is [phone] and email [email].",
        2,
    ),
    (
        "Card 4111111111111111, SSN 123-45-6789, phone +1 415 555 0123, home 42 Elm Street.",
        "Card [card], SSN [ssn], phone [phone], home [address].",
        4,
    ),
];

#[test]
fn corpus_exact() {
    let mut failures = Vec::new();
    for &(input, expected, marks) in CASES {
        let got = red(input);
        if got != (expected.to_owned(), marks) {
            failures.push(format!(
                "{input:?}\n  want {expected:?} ({marks})\n  got  {:?} ({})",
                got.0, got.1
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn card_wins_over_phone() {
    // Ten digits of a card are a valid bare phone; the card must win whole.
    let r = Redactor::new(&[Detector::Phone, Detector::Card], Vec::new());
    assert_eq!(
        r.text("s", "pay with 4155 5501 2345 6781").0,
        "pay with [card]"
    );
    assert_eq!(
        r.text("s", "4012888888881881 then 4155550123").0,
        "[card] then [phone]"
    );
}

#[test]
fn only_enabled_detectors_run() {
    let r = Redactor::new(&[Detector::Email], Vec::new());
    let input = "jane@example.com 415-555-0123 4111111111111111 123-45-6789";
    let (out, n) = r.text("s", input);
    assert_eq!(out, "[email] 415-555-0123 4111111111111111 123-45-6789");
    assert_eq!(n, 1);
    let none = Redactor::new(&[], Vec::new());
    assert_eq!(none.text("s", input).1, 0);
}

#[test]
fn redacting_twice_changes_nothing_more() {
    for &(input, _, _) in CASES {
        let once = red(input).0;
        assert_eq!(red(&once), (once.clone(), 0), "{input:?}");
    }
}

#[test]
fn luhn_reference_values() {
    use super::super::checks::luhn;
    for valid in [
        "79927398713",
        "4111111111111111",
        "378282246310005",
        "6011111111111117",
    ] {
        assert!(luhn(valid), "{valid}");
    }
    for invalid in ["79927398710", "4111111111111112", "1234567812345678"] {
        assert!(!luhn(invalid), "{invalid}");
    }
}
