//! Timestamps as platforms send them: ISO-8601 with or without fraction and
//! offset, or epoch seconds or milliseconds as numbers (or numeric strings).

use chrono::{DateTime, NaiveDateTime};
use serde_json::Value;

/// Epoch numbers at or above this are milliseconds (as seconds it would be the
/// year 5138; as milliseconds it is 1973).
const MS_THRESHOLD: f64 = 1e11;

/// Epoch milliseconds for a JSON timestamp, or `None` when it is not one.
pub fn parse(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => from_epoch(n.as_f64()?),
        Value::String(s) => parse_str(s),
        _ => None,
    }
}

fn parse_str(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return from_epoch(n);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp_millis());
    }
    // ISO-8601 also writes offsets as `+0200` or `+02`, which RFC 3339 does not.
    const OFFSET: [&str; 2] = ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z"];
    if let Some(t) = OFFSET
        .iter()
        .find_map(|f| DateTime::parse_from_str(s, f).ok())
    {
        return Some(t.timestamp_millis());
    }
    // Without an offset the time is taken as UTC; a space may stand for the `T`.
    const NAIVE: [&str; 2] = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"];
    NAIVE.iter().find_map(|f| {
        NaiveDateTime::parse_from_str(s, f)
            .ok()
            .map(|t| t.and_utc().timestamp_millis())
    })
}

fn from_epoch(n: f64) -> Option<i64> {
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    let ms = if n >= MS_THRESHOLD { n } else { n * 1000.0 };
    Some(ms.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const T: i64 = 1_744_468_350_000; // 2025-04-12T14:32:30Z

    #[test]
    fn iso_forms() {
        assert_eq!(parse(&json!("2025-04-12T14:32:30Z")), Some(T));
        assert_eq!(parse(&json!("2025-04-12T14:32:30.250Z")), Some(T + 250));
        assert_eq!(parse(&json!("2025-04-12T16:32:30+02:00")), Some(T));
        assert_eq!(parse(&json!("2025-04-12T14:32:30")), Some(T));
        assert_eq!(parse(&json!("2025-04-12T14:32:30.5")), Some(T + 500));
        assert_eq!(parse(&json!("2025-04-12 14:32:30")), Some(T));
        assert_eq!(parse(&json!("2025-04-12T16:32:30+0200")), Some(T));
        assert_eq!(parse(&json!("2025-04-12T16:32:30.250+02")), Some(T + 250));
        assert_eq!(parse(&json!("2025-04-12T12:32:30-02:00")), Some(T));
        assert_eq!(parse(&json!("2025-04-12 16:32:30+02:00")), Some(T));
    }

    #[test]
    fn epoch_forms() {
        assert_eq!(parse(&json!(1_744_468_350)), Some(T));
        assert_eq!(parse(&json!(1_744_468_350.25)), Some(T + 250));
        assert_eq!(parse(&json!(T)), Some(T));
        assert_eq!(parse(&json!("1744468350000")), Some(T));
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        assert_eq!(parse(&json!("yesterday")), None);
        assert_eq!(parse(&json!(null)), None);
        assert_eq!(parse(&json!(-5)), None);
        assert_eq!(parse(&json!({"t": 1})), None);
    }
}
