//! Splitting a query into its pieces: words, `"phrases"`, `key:value`
//! terms (with `<`, `<=`, `>`, `>=`, `=` too) and their negations — at most
//! [`MAX_TERMS`] of them, from at most [`MAX_QUERY_CHARS`] characters and
//! no NUL, refused before any other work.

use super::{QueryError, MAX_QUERY_CHARS, MAX_TERMS};

/// One piece of the query: its text (quotes removed), where it starts, and
/// whether its value was quoted.
pub(super) struct Token {
    pub(super) at: usize,
    pub(super) negated: bool,
    /// `key` and operator when the token is `key:value`, `key>value`, ….
    pub(super) key: Option<(String, String)>,
    pub(super) value: String,
    pub(super) quoted: bool,
}

pub(super) fn tokens(input: &str) -> Result<Vec<Token>, QueryError> {
    if input.chars().nth(MAX_QUERY_CHARS).is_some() {
        return Err(QueryError {
            at: MAX_QUERY_CHARS,
            message: format!("a query has at most {MAX_QUERY_CHARS} characters: shorten it"),
        });
    }
    if let Some(at) = input.chars().position(|c| c == '\0') {
        return Err(QueryError {
            at,
            message: "a query cannot hold a NUL character (U+0000): remove it".into(),
        });
    }
    let chars: Vec<(usize, char)> = input.char_indices().collect();
    let position = |byte: usize| input[..byte].chars().count();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if out.len() == MAX_TERMS {
            return Err(QueryError {
                at: position(start),
                message: format!(
                    "a query has at most {MAX_TERMS} words, phrases and filters: remove some"
                ),
            });
        }
        let negated = c == '-' && chars.get(i + 1).is_some_and(|(_, n)| !n.is_whitespace());
        if negated {
            i += 1;
        }
        // A key: letters and underscores followed by an operator.
        let mut key = None;
        let mut j = i;
        while j < chars.len() && (chars[j].1.is_ascii_alphabetic() || chars[j].1 == '_') {
            j += 1;
        }
        if j > i && j < chars.len() {
            let op: String = match (chars[j].1, chars.get(j + 1).map(|c| c.1)) {
                ('>' | '<', Some('=')) => chars[j..j + 2].iter().map(|c| c.1).collect(),
                (':' | '>' | '<' | '=', _) => chars[j].1.to_string(),
                _ => String::new(),
            };
            if !op.is_empty() {
                let name: String = chars[i..j].iter().map(|c| c.1).collect();
                i = j + op.chars().count();
                key = Some((name.to_ascii_lowercase(), op));
            }
        }
        let (value, quoted) = if chars.get(i).is_some_and(|c| c.1 == '"') {
            let open = i;
            i += 1;
            let mut text = String::new();
            while i < chars.len() && chars[i].1 != '"' {
                text.push(chars[i].1);
                i += 1;
            }
            if i >= chars.len() {
                return Err(QueryError {
                    at: position(chars[open].0),
                    message: "a quote is never closed: add the closing \"".into(),
                });
            }
            i += 1;
            (text, true)
        } else {
            let mut text = String::new();
            while i < chars.len() && !chars[i].1.is_whitespace() {
                text.push(chars[i].1);
                i += 1;
            }
            (text, false)
        };
        out.push(Token {
            at: position(start),
            negated,
            key,
            value,
            quoted,
        });
    }
    Ok(out)
}
