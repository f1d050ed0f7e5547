//! Header values as the delivery log keeps them: whole up to a cap, cut and
//! marked beyond it, so a stranger's 10 KB header costs a few hundred bytes
//! of disk, not 10 KB per request.

use axum::http::HeaderMap;

/// Bytes of a header value kept in the delivery log.
pub const HEADER_KEPT: usize = 256;

/// The trimmed text of header `name` as sent (lossy UTF-8), or `None` when
/// absent or blank.
pub fn text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string())
        .filter(|v| !v.is_empty())
}

/// `value` as the log keeps it: at most [`HEADER_KEPT`] bytes of it (cut at a
/// character boundary), followed by a mark saying how long it was.
pub fn capped(value: &str) -> String {
    if value.len() <= HEADER_KEPT {
        return value.to_string();
    }
    let mut end = HEADER_KEPT;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… [cut: {} bytes sent]", &value[..end], value.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_kept_whole_and_long_ones_cut_and_marked() {
        assert_eq!(capped("msg_1"), "msg_1");
        let exact = "a".repeat(HEADER_KEPT);
        assert_eq!(capped(&exact), exact);
        let long = "b".repeat(10_000);
        let kept = capped(&long);
        assert!(kept.starts_with(&"b".repeat(HEADER_KEPT)));
        assert!(kept.ends_with("… [cut: 10000 bytes sent]"));
        assert!(kept.len() < HEADER_KEPT + 40);
        // A multi-byte character straddling the cap is not split.
        let wide = format!("{}é{}", "c".repeat(HEADER_KEPT - 1), "d".repeat(10));
        assert!(capped(&wide).starts_with(&format!("{}…", "c".repeat(HEADER_KEPT - 1))));
    }

    #[test]
    fn blank_headers_are_absent() {
        let mut headers = HeaderMap::new();
        headers.insert("webhook-id", "  ".parse().unwrap());
        assert_eq!(text(&headers, "webhook-id"), None);
        headers.insert("webhook-id", " msg_1 ".parse().unwrap());
        assert_eq!(text(&headers, "webhook-id").as_deref(), Some("msg_1"));
    }
}
