//! The reasons a call or an item may be flagged for: a list an admin keeps.

use serde::{Deserialize, Serialize};

/// A flag reason: its code (what `flag:` searches and exports carry) and
/// its label.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    pub label: String,
}

/// The list a new installation starts with.
pub const DEFAULT_REASONS: [&str; 9] = [
    "Misunderstood",
    "Wrong answer",
    "Hallucinated",
    "Tool failed",
    "Too slow",
    "Interrupted badly",
    "Hung up early",
    "Should have transferred",
    "Other",
];

/// The longest reason label, in characters.
pub const MAX_REASON_CHARS: usize = 40;

/// A label's code: lowercase letters and digits, words joined by `_`
/// ("Tool failed" → `tool_failed`); `None` when nothing is left, or the
/// label is too long.
pub fn reason_code(label: &str) -> Option<String> {
    if label.trim().chars().count() > MAX_REASON_CHARS {
        return None;
    }
    let words: Vec<String> = label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    (!words.is_empty()).then(|| words.join("_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_words_joined() {
        assert_eq!(reason_code("Tool failed").as_deref(), Some("tool_failed"));
        assert_eq!(
            reason_code("  Should have transferred! ").as_deref(),
            Some("should_have_transferred")
        );
        assert_eq!(reason_code("—"), None);
        assert_eq!(reason_code(&"x".repeat(41)), None);
        let codes: Vec<String> = DEFAULT_REASONS
            .iter()
            .filter_map(|l| reason_code(l))
            .collect();
        assert_eq!(codes.len(), DEFAULT_REASONS.len());
        assert!(codes.contains(&"tool_failed".to_string()));
    }
}
