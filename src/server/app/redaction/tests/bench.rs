//! Throughput of `text()` over a 1 MB transcript. Ignored by default; run
//! with `cargo test --release -- --ignored --nocapture text_throughput`.

use std::time::Instant;

use super::all;
use super::property::Rng;

/// Transcript lines: most without personal data, as in real calls.
const LINES: &[&str] = &[
    "AI: Thanks for calling Acme Dental, how can I help you today?",
    "User: Hi, I'd like to move my appointment to next Tuesday if possible.",
    "AI: Of course. Can I have the phone number on your account?",
    "User: Sure, it's (415) 555-0123.",
    "AI: Thanks. I see an appointment on 2024-01-15 at 10:30 with Dr. Patel.",
    "User: Yes, that one. Also my email changed, it's jane.doe@example.com.",
    "AI: Noted. Your reference is 123e4567-e89b-12d3-a456-426614174000.",
    "User: Great. I can pay the $125.00 now with 4111 1111 1111 1111.",
    "AI: I'll send a confirmation to 221B Baker Street once it's booked.",
    "User: Perfect, thank you so much, that's everything for today.",
    "AI: You're welcome. Is there anything else I can help you with?",
    "User: No that's all, bye.",
];

#[test]
#[ignore = "benchmark; run explicitly with --release --ignored --nocapture"]
fn text_throughput() {
    let mut rng = Rng::new(42);
    let mut transcript = String::with_capacity(1 << 20);
    while transcript.len() < 1 << 20 {
        transcript.push_str(rng.pick(LINES));
        transcript.push('\n');
    }
    let r = all();
    let mut marks = 0;
    let rounds = 10;
    let start = Instant::now();
    for _ in 0..rounds {
        marks = r.text("bench", &transcript).1;
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = transcript.len() as f64 * f64::from(rounds) / (1024.0 * 1024.0);
    println!(
        "text(): {:.1} MB/s over a {} byte transcript ({marks} marks)",
        mb / secs,
        transcript.len()
    );

    // Per-line calls, the shape json_text produces: many short strings.
    let lines: Vec<&str> = transcript.lines().collect();
    let start = Instant::now();
    for _ in 0..rounds {
        for line in &lines {
            std::hint::black_box(r.text("bench", line));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "text() per line: {:.1} MB/s ({} lines)",
        mb / secs,
        lines.len()
    );
    assert!(marks > 0);
}
