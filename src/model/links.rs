//! Links made from what platforms send.

use super::format::url_segment;
use super::query::filter_term;

/// The calls list narrowed to one filter: `/?q=caller%3A%2B1415…`.
pub fn calls_with(key: &str, value: &str) -> String {
    format!("/?q={}", url_segment(&filter_term(key, value)))
}

/// Where calltrail serves the recordings a platform sent it whole
/// (`/recordings/{platform}/{call}`): a link of its own, on this site.
pub const RECORDINGS: &str = "/recordings/";

/// Only http(s) links, and calltrail's own recordings, are rendered as
/// links: never `javascript:`, `data:` or anything else a browser would run
/// or interpret, nor another path of this site.
pub fn safe_link(url: Option<String>) -> Option<String> {
    url.filter(|u| {
        let scheme = u.get(..8).unwrap_or(u).to_ascii_lowercase();
        scheme.starts_with("https://") || scheme.starts_with("http://") || is_own_recording(u)
    })
}

/// A recording served by calltrail itself: `/recordings/<platform>/<call>`,
/// the call id percent-encoded (nothing a browser would resolve elsewhere:
/// no further `/`, no dots, encoded or not).
pub fn is_own_recording(url: &str) -> bool {
    let Some((platform, call)) = url
        .strip_prefix(RECORDINGS)
        .and_then(|rest| rest.split_once('/'))
    else {
        return false;
    };
    !platform.is_empty()
        && platform.bytes().all(|b| b.is_ascii_lowercase())
        && !call.is_empty()
        && call.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'%')
}

#[cfg(test)]
mod tests {
    use super::{calls_with, safe_link};

    #[test]
    fn calls_with_links_the_list_narrowed_to_one_term() {
        assert_eq!(calls_with("caller", "+1415"), "/?q=caller%3A%2B1415");
        assert_eq!(calls_with("agent", "Ava B"), "/?q=agent%3A%22Ava%20B%22");
    }

    fn link(url: &str) -> Option<String> {
        safe_link(Some(url.to_string()))
    }

    #[test]
    fn only_http_links_pass() {
        assert_eq!(
            link("https://rec.example/a.wav").as_deref(),
            Some("https://rec.example/a.wav")
        );
        assert!(link("http://rec.example/a.wav").is_some());
        assert!(link("HTTPS://rec.example/a.wav").is_some());
        for hostile in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "\tjavascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "//evil.example/a.wav",
            "/relative",
            "http:/evil.example",
            "",
            "é",
            "/recordings/../logout",
            "/recordings/%2e%2e/export",
            "/recordings/elevenlabs/a/../../export",
            "/recordings/elevenlabs/.%2e",
        ] {
            assert_eq!(link(hostile), None, "{hostile}");
        }
        assert_eq!(safe_link(None), None);
        assert!(link("/recordings/elevenlabs/conv%5F1").is_some());
    }
}
