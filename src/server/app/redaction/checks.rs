//! Plausibility and boundary checks for detector candidates.
//!
//! Kept apart from the patterns because these are the rules that decide
//! what is *not* personal data: each one exists because some id, amount,
//! date or version string would otherwise be redacted.

/// Capitalised function words: "Chapter 3 The Way" or "2 For The Road"
/// are titles, not streets. Street names are nouns, so refusing these
/// costs almost no recall.
const ADDRESS_STOP_WORDS: &[&str] = &[
    "The", "A", "An", "And", "Or", "Of", "In", "On", "At", "To", "For", "By", "From", "With", "My",
    "Your", "Our", "Their", "His", "Her", "Its", "This", "That", "These", "Those", "Every", "Each",
    "Some", "Any", "No",
];

/// A candidate may start only after whitespace, an opening bracket or quote,
/// `=`, `*`, a `,`/`;` not preceded by a digit, or a `:` after a letter
/// (`tel:`, `Phone:`). Letters, digits, `_ - . / # $ + @` before it mean
/// it is part of a longer token: an id, a version, an amount, a URL.
pub(super) fn left_ok(text: &str, start: usize) -> bool {
    let mut before = text[..start].chars().rev();
    let Some(c) = before.next() else {
        return true;
    };
    if c.is_whitespace()
        || matches!(
            c,
            '(' | '[' | '{' | '<' | '>' | '"' | '\'' | '`' | '=' | '*' | '\u{201C}' | '\u{2018}'
        )
    {
        return true;
    }
    let prior = before.next();
    match c {
        ',' | ';' => !prior.is_some_and(|p| p.is_ascii_digit()),
        ':' => prior.is_some_and(char::is_alphabetic),
        _ => false,
    }
}

/// A candidate must not run on into more token: no letter, digit or
/// `_ @ % + $ # & =` right after it, and no `. - / \` followed by a letter
/// or digit (`415-555-0123-99`, `1.8.9`), nor `,`/`:` followed by a digit
/// (`10:30`, `1,250`). Sentence punctuation after it is fine.
pub(super) fn right_ok(text: &str, end: usize) -> bool {
    let mut after = text[end..].chars();
    let Some(c) = after.next() else {
        return true;
    };
    if c.is_alphanumeric() || matches!(c, '_' | '@' | '%' | '+' | '$' | '#' | '&' | '=') {
        return false;
    }
    let next = after.next();
    match c {
        '.' | '-' | '/' | '\\' => !next.is_some_and(|n| n.is_alphanumeric() || n == '_'),
        ',' | ':' => !next.is_some_and(|n| n.is_ascii_digit()),
        _ => true,
    }
}

fn digits(s: &str) -> impl Iterator<Item = u8> + '_ {
    s.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0')
}

fn digit_count(s: &str) -> usize {
    s.bytes().filter(u8::is_ascii_digit).count()
}

/// Every separator (` .-`) between two digits is the same character:
/// `415-555.0123` or a date followed by a count (`05.06.2024 14`) fails.
fn one_separator(s: &str) -> bool {
    let b = s.as_bytes();
    let mut seen = None;
    for w in b.windows(3) {
        if w[0].is_ascii_digit() && w[2].is_ascii_digit() && matches!(w[1], b' ' | b'.' | b'-') {
            match seen {
                None => seen = Some(w[1]),
                Some(sep) if sep != w[1] => return false,
                Some(_) => {}
            }
        }
    }
    true
}

/// Luhn checksum over the digits of `s`.
pub(super) fn luhn(s: &str) -> bool {
    let sum: u32 = s
        .bytes()
        .rev()
        .filter(u8::is_ascii_digit)
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match (i % 2 == 1, d * 2) {
                (false, _) => d,
                (true, doubled) if doubled > 9 => doubled - 9,
                (true, doubled) => doubled,
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// 13–19 digits, Luhn-valid, first digit 2–6 (the major networks' ranges).
/// The first-digit rule keeps 13-digit epoch milliseconds (`17…`) and
/// zero-padded numbers out, which Luhn alone passes one time in ten.
pub(super) fn card_ok(s: &str) -> bool {
    let n = digit_count(s);
    (13..=19).contains(&n)
        && s.as_bytes()
            .first()
            .is_some_and(|b| (b'2'..=b'6').contains(b))
        && one_separator(s)
        && luhn(s)
}

/// US SSN rules: area not 000, 666 or 9xx; group not 00; serial not 0000.
pub(super) fn ssn_ok(s: &str) -> bool {
    let d: Vec<u8> = digits(s).collect();
    let area = &d[0..3];
    one_separator(s)
        && area != [0, 0, 0]
        && area != [6, 6, 6]
        && area[0] != 9
        && d[3..5] != [0, 0]
        && d[5..9] != [0, 0, 0, 0]
}

/// UK NINO prefix rules: first letter not D F I Q U V, second not
/// D F I O Q U V, and not BG GB KN NK NT TN ZZ; spaced fully or not at all.
pub(super) fn nino_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let spaces = b.iter().filter(|&&c| c == b' ').count();
    let prefix = [b[0], b[1]];
    let prefix = &prefix;
    (spaces == 0 || spaces == 4)
        && !b"DFIQUV".contains(&b[0])
        && !b"DFIOQUV".contains(&b[1])
        && !matches!(
            prefix,
            b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ"
        )
}

/// Digits after the `+`/`00` prefix: 7–15 (E.164), exactly 11 for `+1`
/// (North America), which also stops "+1 415 555 0123 12 times" from
/// swallowing the 12. The `00` form must be split by spaces only, as people
/// say and type it: `00234567-8901` is more likely a reference than a call.
pub(super) fn international_ok(s: &str) -> bool {
    let number = match (s.strip_prefix('+'), s.strip_prefix("00")) {
        (Some(number), _) => number,
        (None, Some(number)) if s.contains(' ') && !s.contains(['-', '.']) => number,
        _ => return false,
    };
    let n = digit_count(number);
    if number.starts_with('1') {
        n == 11
    } else {
        (7..=15).contains(&n)
    }
}

pub(super) fn north_american_ok(s: &str) -> bool {
    let n = digit_count(s);
    one_separator(s) && (n == 10 || (n == 11 && s.starts_with('1')))
}

pub(super) fn trunk_ok(s: &str) -> bool {
    one_separator(s) && (9..=12).contains(&digit_count(s))
}

pub(super) fn bare_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let nanp = |d: &[u8]| d.len() == 10 && d[0] >= b'2' && d[3] >= b'2';
    match b.len() {
        10 | 11 if b[0] == b'0' => b[1] != b'0',
        10 => nanp(b),
        11 => b[0] == b'1' && nanp(&b[1..]),
        _ => false,
    }
}

pub(super) fn address_ok(s: &str) -> bool {
    s.split(' ').all(|word| !ADDRESS_STOP_WORDS.contains(&word))
}
