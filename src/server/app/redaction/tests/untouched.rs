//! Things that look numeric but are not personal data: each must come back
//! byte-for-byte, borrowed, with no mark counted.

use std::borrow::Cow;

use super::all;

const UNTOUCHED: &[&str] = &[
    // UUIDs, including digit-heavy ones
    "Session 123e4567-e89b-12d3-a456-426614174000 started.",
    "00000000-0000-4000-8000-000000000000",
    "id=550e8400-e29b-41d4-a716-446655440000",
    "(12345678-1234-4123-8123-123456789012)",
    "ref 41555501-2345-4678-9012-415555012345, ok",
    // call and conversation ids
    "call_7f3a9c2e",
    "abc123",
    "conv_01JABCDEFG1234567890",
    "conv_01HZX4155550123ABC",
    "sk_live_4155550123abc",
    "hex 0x4155550123 and 0x4111111111111111",
    "run-4155550123 and job/4155550123/logs",
    // timestamps, dates and times
    "2024-01-15T10:30:00Z",
    "2024-01-15T10:30:00.123+05:30",
    "2024-01-15T10:30:00+0530",
    "2024-01-15",
    "2024-01-15 10:30:00",
    "10:30:00",
    "see you at 10:30 tomorrow",
    "12:30:45.123456",
    "on 05.06.2024 14 people came",
    "on 01-15-2024 at 9",
    // epoch numbers in text: seconds before 2033 start with 1; ms are 13 digits
    "ts 1705312200",
    "epoch 1705312200123 in text",
    "1705312200000",
    "Luhn-valid epoch ms 1705312200127 and zeros 0000000000000000",
    // versions and addresses of machines
    "version 1.8.9",
    "v2.10.3",
    "build 10.0.19045.3803",
    "IP 192.168.100.200",
    "ISBN 978-3-16-148410-0",
    // money and amounts
    "$1,250.00",
    "€4,155.55",
    "1,250,000",
    "that's $4155550123 total",
    "paid 4155550123.50 dollars",
    "up 4155550123% lol",
    // order numbers, counts, ranges
    "#12345",
    "ticket 00234567-8901 and ref 00123456-7890, batch 0012 3456 7890",
    "+1 2024 and +44 123 are too short",
    "order #4155550123",
    "ORD-123456",
    "ACCT-4155550123",
    "1234567",
    "123456789",
    "123456789012",
    "between 250-1000 units",
    "room 101, 3 kids, 12/27",
    // an invalid card is not a phone either
    "4111 1111 1111 1112",
    "4111-1111-1111-1112",
    // prose
    "No personal data here at all.",
    "",
];

#[test]
fn must_not_touch() {
    let r = all();
    let mut failures = Vec::new();
    for &input in UNTOUCHED {
        let (out, n) = r.text("test", input);
        if out != input || n != 0 {
            failures.push(format!("{input:?} -> {out:?} ({n})"));
        }
        if !matches!(out, Cow::Borrowed(_)) {
            failures.push(format!("{input:?} was not returned borrowed"));
        }
    }
    assert!(failures.is_empty(), "altered:\n{}", failures.join("\n"));
}

#[test]
fn ids_next_to_personal_data_survive() {
    let (out, n) = super::red(
        "call_7f3a9c2e 123e4567-e89b-12d3-a456-426614174000: caller 415-555-0123 \
         asked about 00000000-0000-4000-8000-000000000000 at 2024-01-15T10:30:00Z",
    );
    assert_eq!(
        out,
        "call_7f3a9c2e 123e4567-e89b-12d3-a456-426614174000: caller [phone] \
         asked about 00000000-0000-4000-8000-000000000000 at 2024-01-15T10:30:00Z"
    );
    assert_eq!(n, 1);
}
