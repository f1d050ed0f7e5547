//! Formatting of times and durations, identical on the server and in the
//! browser so hydrated text matches what was rendered.

use chrono::DateTime;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// `2026-03-14 16:02:11 UTC`
pub fn datetime(epoch_ms: i64) -> String {
    match DateTime::from_timestamp_millis(epoch_ms) {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        None => "—".to_string(),
    }
}

/// `2026-03-14T16:02:11.900Z`, for `<time datetime>`.
pub fn iso(epoch_ms: i64) -> String {
    DateTime::from_timestamp_millis(epoch_ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

/// When something happened, for people: `Mar 14, 16:02:11`, in the
/// browser's zone once it is known (`offset_minutes` east of UTC), else in
/// UTC and saying so.
pub fn local_datetime(epoch_ms: i64, offset_minutes: Option<i32>) -> String {
    let Some(t) = DateTime::from_timestamp_millis(epoch_ms) else {
        return "—".to_string();
    };
    match offset_minutes.and_then(|m| chrono::FixedOffset::east_opt(m * 60)) {
        Some(zone) => t
            .with_timezone(&zone)
            .format("%b %-d, %H:%M:%S")
            .to_string(),
        None => t.format("%b %-d, %H:%M:%S UTC").to_string(),
    }
}

/// How long ago, roughly: `just now`, `42 s ago`, `5 min ago`, `3 h ago`, `2 d ago`.
pub fn ago(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    match s {
        0..10 => "just now".to_string(),
        10..60 => format!("{s} s ago"),
        60..3600 => format!("{} min ago", s / 60),
        3600..86400 => format!("{} h ago", s / 3600),
        _ => format!("{} d ago", s / 86400),
    }
}

/// `+00:12.9`, or `+1:02:03.4` past an hour; negative offsets keep their sign.
pub fn offset(ms: i64) -> String {
    let sign = if ms < 0 { '-' } else { '+' };
    let ms = ms.unsigned_abs();
    let tenths = (ms % 1000) / 100;
    let secs = ms / 1000;
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if h > 0 {
        format!("{sign}{h}:{m:02}:{s:02}.{tenths}")
    } else {
        format!("{sign}{m:02}:{s:02}.{tenths}")
    }
}

/// `4m 05s`, `1h 02m`, `12s`.
pub fn duration(ms: i64) -> String {
    let secs = ms.max(0) / 1000;
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

/// `10 s`, `2.5 s`
pub fn seconds(s: f64) -> String {
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

/// A span of ms in seconds: `1.2 s`, `0.4 s`.
pub fn seconds_ms(ms: i64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// A size in bytes, as people read it: `512 B`, `3.4 KB`, `1.0 MB`.
pub fn bytes(n: i64) -> String {
    match n {
        n if n < 1024 => format!("{n} B"),
        n if n < 1024 * 1024 => format!("{:.1} KB", n as f64 / 1024.0),
        n => format!("{:.1} MB", n as f64 / (1024.0 * 1024.0)),
    }
}

/// Pretty-printed JSON text for display.
pub fn pretty_json(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// A raw body, pretty-printed when it is JSON, else as it came.
pub fn pretty_raw(raw: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(raw) {
        Ok(v) => pretty_json(&v),
        Err(_) => raw.to_string(),
    }
}

/// Whether `c` changes the direction text is shown in: the embeddings and
/// overrides (U+202A–U+202E), the isolates (U+2066–U+2069) and the marks.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// `text` with each direction control written out visibly (`⟦U+202E⟧`), so
/// what a caller said shows in the order it was stored: a transcript with
/// an override cannot show `1200` as `0021`.
pub fn show_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_bidi_control) {
        return text.into();
    }
    let mut shown = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_bidi_control(c) {
            shown.push_str(&format!("⟦U+{:04X}⟧", c as u32));
        } else {
            shown.push(c);
        }
    }
    shown.into()
}

/// The first line of `s`, cut to `max` characters; `…` marks anything left out.
pub fn one_line(s: &str, max: usize) -> String {
    let line = s.lines().next().unwrap_or("");
    if line.chars().count() <= max && line.len() == s.len() {
        return line.to_string();
    }
    let cut: String = line.chars().take(max).collect();
    format!("{cut}…")
}

/// Everything but RFC 3986's unreserved characters (`A–Z a–z 0–9 - _ . ~`);
/// bytes outside ASCII are always encoded.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// As [`NOT_UNRESERVED`], but `/` is left as it is.
const NOT_UNRESERVED_OR_SLASH: &AsciiSet = &NOT_UNRESERVED.remove(b'/');

/// A value made safe for one URL path segment: everything but unreserved
/// characters is percent-encoded.
pub fn url_segment(s: &str) -> String {
    utf8_percent_encode(s, NOT_UNRESERVED).to_string()
}

/// A local path (with its query) made safe as a query value, such as
/// `?next=`: like [`url_segment`], but `/` stays readable.
pub fn query_path(s: &str) -> String {
    utf8_percent_encode(s, NOT_UNRESERVED_OR_SLASH).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_controls_are_shown_not_obeyed() {
        assert_eq!(
            show_controls("refund \u{202E}0021\u{202C} dollars"),
            "refund ⟦U+202E⟧0021⟦U+202C⟧ dollars"
        );
        assert_eq!(
            show_controls("\u{2067}x\u{2069}\u{200F}"),
            "⟦U+2067⟧x⟦U+2069⟧⟦U+200F⟧"
        );
        assert!(matches!(
            show_controls("plain عربى"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn encodes_path_segments() {
        assert_eq!(url_segment("call_7f3a-9.c~"), "call_7f3a-9.c~");
        assert_eq!(url_segment("a/b c?#é"), "a%2Fb%20c%3F%23%C3%A9");
    }

    #[test]
    fn encodes_a_path_with_query() {
        assert_eq!(
            query_path("/calls/a b?page=2&x"),
            "/calls/a%20b%3Fpage%3D2%26x"
        );
    }

    #[test]
    fn leaves_only_unreserved_ascii_as_is() {
        for b in 0u8..=0x7f {
            let c = (b as char).to_string();
            let unreserved = b.is_ascii_alphanumeric() || b"-_.~".contains(&b);
            let escaped = format!("%{b:02X}");
            let segment = if unreserved { &c } else { &escaped };
            assert_eq!(&url_segment(&c), segment, "byte {b:#04x}");
            let path = if unreserved || b == b'/' {
                &c
            } else {
                &escaped
            };
            assert_eq!(&query_path(&c), path, "byte {b:#04x}");
        }
    }

    #[test]
    fn formats_offsets() {
        assert_eq!(offset(12_900), "+00:12.9");
        assert_eq!(offset(62_050), "+01:02.0");
        assert_eq!(offset(3_723_400), "+1:02:03.4");
        assert_eq!(offset(-1_500), "-00:01.5");
    }

    #[test]
    fn formats_durations_and_dates() {
        assert_eq!(duration(12_400), "12s");
        assert_eq!(duration(245_000), "4m 05s");
        assert_eq!(duration(3_720_000), "1h 02m");
        assert_eq!(datetime(1_773_504_131_900), "2026-03-14 16:02:11 UTC");
        assert_eq!(
            local_datetime(1_773_504_131_900, None),
            "Mar 14, 16:02:11 UTC"
        );
        assert_eq!(
            local_datetime(1_773_504_131_900, Some(60)),
            "Mar 14, 17:02:11"
        );
        assert_eq!(
            local_datetime(1_773_504_131_900, Some(-300)),
            "Mar 14, 11:02:11"
        );
        assert_eq!(ago(3_000), "just now");
        assert_eq!(ago(42_000), "42 s ago");
        assert_eq!(ago(300_000), "5 min ago");
        assert_eq!(ago(3 * 3_600_000), "3 h ago");
        assert_eq!(ago(50 * 3_600_000), "2 d ago");
        assert_eq!(seconds(10.0), "10 s");
        assert_eq!(seconds(15.1), "15.1 s");
        assert_eq!(seconds_ms(1_240), "1.2 s");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(3_500), "3.4 KB");
        assert_eq!(bytes(1_048_576), "1.0 MB");
    }
}
