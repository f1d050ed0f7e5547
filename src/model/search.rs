//! A search's results as the calls list shows them: each call with its best
//! text hit, the hit's words marked.

use serde::{Deserialize, Serialize};

use super::CallSummary;

/// Around a matched word in a snippet (control characters no event text
/// is shown with).
pub const HIT_START: char = '\u{2}';
pub const HIT_END: char = '\u{3}';

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub call: CallSummary,
    /// The event whose text matched best, where the call opens.
    pub event_id: Option<i64>,
    /// Its text around the match, matched words between [`HIT_START`] and
    /// [`HIT_END`].
    pub snippet: Option<String>,
}

/// The calls list in search mode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The query as typed.
    pub q: String,
    /// Why the query could not be read; no results then.
    pub error: Option<String>,
    pub hits: Vec<SearchHit>,
}

/// A named query of the calls list, saved by one account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: i64,
    pub name: String,
    pub q: String,
}

/// A snippet cut into runs of text, each marked or not.
pub fn highlight(snippet: &str) -> Vec<(String, bool)> {
    let mut runs = Vec::new();
    let mut marked = false;
    let mut run = String::new();
    for c in snippet.chars() {
        if c == HIT_START || c == HIT_END {
            if !run.is_empty() {
                runs.push((std::mem::take(&mut run), marked));
            }
            marked = c == HIT_START;
        } else {
            run.push(c);
        }
    }
    if !run.is_empty() {
        runs.push((run, marked));
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_split_into_marked_runs() {
        let s = format!("…the {HIT_START}café{HIT_END} was {HIT_START}fermé{HIT_END}");
        assert_eq!(
            highlight(&s),
            vec![
                ("…the ".to_string(), false),
                ("café".to_string(), true),
                (" was ".to_string(), false),
                ("fermé".to_string(), true),
            ]
        );
        assert_eq!(highlight(""), vec![]);
    }
}
