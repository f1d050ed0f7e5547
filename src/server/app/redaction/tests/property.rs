//! Random ids embedded in sentences must never be altered, with or without
//! real personal data beside them. A tiny deterministic PRNG keeps failures
//! reproducible without a `rand` dependency.

use super::all;

/// SplitMix64: small, fast, good enough to scatter test inputs.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub(super) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// `n` characters from `alphabet`.
    fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| char::from(alphabet[self.below(alphabet.len())]))
            .collect()
    }
}

const HEX: &[u8] = b"0123456789abcdef";
const DIGITS: &[u8] = b"0123456789";

/// A v4-shaped UUID. Half of them use digits only: all-digit groups are
/// the ones a phone or card pattern could bite into.
fn uuid(rng: &mut Rng) -> String {
    let alphabet = if rng.below(2) == 0 { HEX } else { DIGITS };
    let variant = if alphabet == DIGITS {
        rng.pick(&["8", "9"])
    } else {
        rng.pick(&["8", "9", "a", "b"])
    };
    format!(
        "{}-{}-4{}-{}{}-{}",
        rng.chars(alphabet, 8),
        rng.chars(alphabet, 4),
        rng.chars(alphabet, 3),
        variant,
        rng.chars(alphabet, 3),
        rng.chars(alphabet, 12),
    )
}

/// `call_` + 6–24 hex (or, a third of the time, digit-only) characters.
fn call_id(rng: &mut Rng) -> String {
    let alphabet = if rng.below(3) == 0 { DIGITS } else { HEX };
    let len = 6 + rng.below(19);
    format!("call_{}", rng.chars(alphabet, len))
}

/// Crockford base32, as in ULIDs.
const CROCKFORD: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// ULIDs, bare or prefixed (`conv_01J…`), and Twilio-style SIDs
/// (`CA` + 32 hex). Digit-heavy a third of the time.
fn other_id(rng: &mut Rng) -> String {
    let heavy = rng.below(3) == 0;
    match rng.below(3) {
        0 => format!(
            "01{}",
            rng.chars(if heavy { DIGITS } else { CROCKFORD }, 24)
        ),
        1 => format!(
            "conv_01{}",
            rng.chars(if heavy { DIGITS } else { CROCKFORD }, 24)
        ),
        _ => format!("CA{}", rng.chars(if heavy { DIGITS } else { HEX }, 32)),
    }
}

const TEMPLATES: &[&str] = &[
    "Session {} started.",
    "{}",
    "id={}",
    "(ref {})",
    "\"{}\"",
    "the call {}, transferred",
    "{}: caller hung up",
    "look up {}; then retry",
    "ids {} and {} match",
    "linked to {}.",
];

/// Personal data to put beside the id, with its redacted form.
const BESIDE: &[(&str, &str)] = &[
    ("", ""),
    (" Caller: 415-555-0123.", " Caller: [phone]."),
    (" card 4111 1111 1111 1111", " card [card]"),
    (" mail jane@example.com", " mail [email]"),
    (" at +44 20 7946 0958", " at [phone]"),
];

fn check_ids(seed: u64, make: fn(&mut Rng) -> String) {
    let r = all();
    let mut rng = Rng::new(seed);
    for i in 0..10_000 {
        let id = make(&mut rng);
        let template = rng.pick(TEMPLATES);
        let sentence = template.replace("{}", &id);
        let (extra, redacted) = BESIDE[rng.below(BESIDE.len())];
        let input = format!("{sentence}{extra}");
        let (out, n) = r.text("prop", &input);
        assert_eq!(out, format!("{sentence}{redacted}"), "case {i}: id {id}");
        assert_eq!(n, u32::from(!extra.is_empty()), "case {i}: {input}");
    }
}

#[test]
fn random_uuids_are_never_altered() {
    check_ids(0x5EED_0001, uuid);
}

#[test]
fn random_call_ids_are_never_altered() {
    check_ids(0x5EED_0002, call_id);
}

#[test]
fn random_ulids_and_sids_are_never_altered() {
    check_ids(0x5EED_0004, other_id);
}

#[test]
fn random_uuids_in_json_id_fields_and_text() {
    let r = all();
    let mut rng = Rng::new(0x5EED_0003);
    for _ in 0..1_000 {
        let (id, call) = (uuid(&mut rng), call_id(&mut rng));
        let epoch_ms = 1_600_000_000_000u64 + rng.next() % 200_000_000_000;
        let mut v = serde_json::json!({
            "id": id, "call_id": call, "ts": epoch_ms.to_string(), "tsNumber": epoch_ms,
            "message": format!("re {id} / {call} at {epoch_ms}"),
        });
        let before = v.clone();
        assert_eq!(r.json_text("prop", &mut v), 0, "{before}");
        assert_eq!(v, before);
    }
}

/// Inputs built to make a careless scanner quadratic: a huge e-mail local
/// part whose right edge is refused, a megabyte digit run after a `+`,
/// thousands of space-separated digit groups. Linear work takes
/// milliseconds even in a debug build; quadratic would take minutes.
#[test]
fn adversarial_inputs_stay_linear() {
    let r = all();
    let inputs = [
        format!("{}@example.com1", "a.".repeat(100_000)),
        format!("+1 {}", "7".repeat(1_000_000)),
        "12 ".repeat(200_000),
        "4111 ".repeat(200_000),
        format!("1 {} Street", "Aaaa ".repeat(100_000)),
    ];
    let start = std::time::Instant::now();
    for input in &inputs {
        let _ = r.text("adv", input);
    }
    let secs = start.elapsed().as_secs_f64();
    assert!(secs < 20.0, "took {secs:.1}s");
}
