//! Built-in detectors: what each matches and, as importantly, what it refuses.
//!
//! The `regex` crate has no look-around, so a pattern only finds a
//! *candidate*; plain Rust then decides whether it stands alone
//! (`checks::left_ok`/`right_ok`) and is plausible (digit counts, Luhn,
//! SSN rules, see [`checks`]). Refusing is always safe; eating part of an
//! id is not. Patterns use `[0-9]`, not `\d`, so only ASCII digits count
//! and the DFA stays small.
//!
//! Phone rules (a candidate must pass one; separators are one of ` .-`):
//! * international: `+` or `00`, a 1–3 digit country code not starting
//!   with `0`, groups; 7–15 digits after the prefix (E.164), exactly 11 for
//!   `+1`; the `00` form only when split by spaces (`0044 20 7946 0958`);
//! * North American: `(415) 555-0123`, `415-555-0123`, `415.555.0123`,
//!   `415 555 0123`, optional leading `1 `; one separator kind throughout;
//! * trunk-prefixed national: `0` then an area code not starting with `0`
//!   (`0151 123 4567`, `020 7946 0958`, `06 12 34 56 78`); 9–12 digits, one
//!   separator kind (`00…` is the international prefix, above);
//! * bare digit runs, only when unambiguous: exactly 10 digits shaped like a
//!   North American number (area and exchange start with 2–9), 11 digits
//!   `1` + that, or 10–11 digits starting `0` + non-zero (trunk prefix).
//!   Unix seconds start with `1` until 2033 and so fail the area-code rule;
//!   epoch milliseconds are 13 digits and never match. Other bare runs (7–9
//!   digits, 12+) are left alone: they are as often order numbers or amounts.
//!   Local 7-digit numbers (`555-0123`) are not detected: that shape is
//!   indistinguishable from ranges such as `250-1000`.

use std::sync::LazyLock;

use regex::Regex;

use super::checks::{
    address_ok, bare_ok, card_ok, international_ok, left_ok, nino_ok, north_american_ok, right_ok,
    ssn_ok, trunk_ok,
};
use super::spans::{Mark, Spans};
use super::Detector;

/// A candidate's plausibility check.
type Check = fn(&str) -> bool;

fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("built-in redaction pattern compiles")
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?",
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}",
    ))
});

/// Unseparated 13–19 digits, or 3–6 groups of 3–6 digits (4-4-4-4,
/// Amex 4-6-5, 4-4-4-4-3) split by single spaces or dashes.
static CARD: LazyLock<Regex> =
    LazyLock::new(|| compile(r"[0-9]{13,19}|[0-9]{3,6}(?:[ \-][0-9]{3,6}){2,5}"));

static SSN: LazyLock<Regex> = LazyLock::new(|| compile(r"[0-9]{3}[ \-][0-9]{2}[ \-][0-9]{4}"));

/// UK National Insurance number, `AB123456C` or `AB 12 34 56 C`.
static NINO: LazyLock<Regex> =
    LazyLock::new(|| compile(r"[A-Z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]"));

/// Phone shapes in application order, each with its plausibility check.
static PHONES: LazyLock<[(Regex, Check); 4]> = LazyLock::new(|| {
    [
        (
            compile(
                r"(?:\+|00)[1-9][0-9]{0,2}(?:[ .\-]?\([0-9]{1,4}\)|[ .\-]?[0-9]{1,4})(?:[ .\-]?[0-9]{2,}){1,5}",
            ),
            international_ok,
        ),
        (
            compile(r"(?:1[ .\-])?(?:\([0-9]{3}\) ?|[0-9]{3}[ .\-])[0-9]{3}[ .\-][0-9]{4}"),
            north_american_ok,
        ),
        (
            compile(
                r"(?:\(0[1-9][0-9]{0,3}\) ?|0[1-9][0-9]{0,3}[ .\-])[0-9]{2,8}(?:[ .\-][0-9]{2,8}){0,3}",
            ),
            trunk_ok,
        ),
        (compile(r"[0-9]{10,11}"), bare_ok),
    ]
});

/// House number (optionally with a letter), 1–4 capitalised words or
/// ordinals, then a street suffix. Case-sensitive on purpose: capitals are
/// what separate "221B Baker Street" from "2 big streets".
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"[1-9][0-9]{0,4}[A-Z]?(?: (?:[A-Z][a-z]+|[0-9]{1,3}(?:st|nd|rd|th))){1,4} ",
        r"(?:Boulevard|Street|Avenue|Road|Lane|Drive|Court|Place|Blvd|Ave|Way|St|Rd|Ln|Dr|Ct|Pl)",
    ))
});

/// Runs the enabled detectors over `text`, claiming spans in `spans`.
pub(super) fn scan_all(detectors: &[Detector], text: &str, spans: &mut Spans) {
    // Cheap pre-checks: most text fields hold no digit and no '@', and
    // skipping whole regex passes for them is most of the throughput. Every
    // detector but e-mail needs a digit.
    let has_digit = text.bytes().any(|b| b.is_ascii_digit());
    let has_at = text.contains('@');
    for &detector in detectors {
        let mark = Mark::Builtin(detector);
        match detector {
            Detector::Email if has_at => {
                scan(&EMAIL, text, spans, mark, Edges::RightOnly, |_| true);
            }
            Detector::Email => {}
            _ if !has_digit => {}
            Detector::Card => scan(&CARD, text, spans, mark, Edges::Trim, card_ok),
            Detector::NationalId => {
                scan(&SSN, text, spans, mark, Edges::Both, ssn_ok);
                scan(&NINO, text, spans, mark, Edges::Both, nino_ok);
            }
            Detector::Phone => {
                for (re, ok) in PHONES.iter() {
                    scan(re, text, spans, mark, Edges::Trim, *ok);
                }
            }
            Detector::Address => scan(&ADDRESS, text, spans, mark, Edges::Both, address_ok),
        }
    }
}

/// How a candidate's edges are checked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Edges {
    /// The pattern's own greed fixes the left edge (e-mail local part).
    RightOnly,
    Both,
    /// Both, and if the whole candidate fails, retry it with trailing digit
    /// groups dropped: "4111 1111 1111 1111 2024" still yields the card.
    Trim,
}

fn scan(re: &Regex, text: &str, spans: &mut Spans, mark: Mark, edges: Edges, ok: Check) {
    let mut pos = 0;
    while let Some(m) = re.find_at(text, pos) {
        let start = m.start();
        let claimed = if edges == Edges::RightOnly || left_ok(text, start) {
            claim(m.as_str(), text, start, spans, mark, edges, ok)
        } else {
            None
        };
        // After a rejection, look again from the next group rather than
        // past the whole candidate: in "415 555 0123 4111 1111 1111 1111"
        // the card regex first grabs too many groups, and the card behind
        // them must still be found. Not for e-mail: a later start has the
        // same right edge, and rescanning a long local part dot by dot
        // would be quadratic.
        pos = match claimed {
            Some(end) => end,
            None if edges == Edges::RightOnly => m.end(),
            None => m
                .as_str()
                .bytes()
                .position(|b| matches!(b, b' ' | b'.' | b'-'))
                .map_or(m.end(), |i| start + i + 1),
        };
    }
}

/// Claims the longest acceptable prefix of `candidate` (only the whole of
/// it unless `edges` is [`Edges::Trim`]) and returns where it ends.
fn claim(
    candidate: &str,
    text: &str,
    start: usize,
    spans: &mut Spans,
    mark: Mark,
    edges: Edges,
    ok: Check,
) -> Option<usize> {
    let mut len = candidate.len();
    loop {
        let end = start + len;
        if ok(&candidate[..len]) && right_ok(text, end) && spans.insert(start, end, mark) {
            return Some(end);
        }
        match (edges, previous_group_end(candidate, len)) {
            (Edges::Trim, Some(shorter)) => len = shorter,
            _ => return None,
        }
    }
}

/// The end of the digit group before the one ending at `len`, if any.
fn previous_group_end(candidate: &str, len: usize) -> Option<usize> {
    let b = candidate.as_bytes();
    let group = |c: u8| c.is_ascii_digit() || c == b')';
    let mut i = len;
    while i > 0 && group(b[i - 1]) {
        i -= 1;
    }
    while i > 0 && !group(b[i - 1]) {
        i -= 1;
    }
    (i > 0).then_some(i)
}
