//! Operator-configured rules and their strict parsing.
//!
//! Rules come from hand-written configuration, so every mistake (unknown
//! kind, bad regex, malformed path, empty source list) is an error at load
//! time rather than a rule that silently never fires.

use regex::Regex;
use serde::Deserialize;

/// How a rule finds what it redacts.
#[derive(Debug, Clone)]
pub enum RuleKind {
    /// Applied inside text fields, like a built-in detector, with no
    /// boundary checks: the operator owns the pattern.
    Regex(Regex),
    /// Replaces the whole value at this path in a raw payload.
    JsonPath(Vec<PathStep>),
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// An object member.
    Key(String),
    /// `[n]`: one array element.
    Index(usize),
    /// `[*]`: every array element.
    Each,
}

/// A custom rule: matches are replaced by `[label]`.
#[derive(Debug, Clone)]
pub struct Rule {
    pub label: String,
    pub kind: RuleKind,
    /// Sources (platform names) the rule applies to; `None` means every one.
    pub sources: Option<Vec<String>>,
}

/// A rule as written in configuration, e.g. in TOML
/// `{ label = "order", pattern = "regex:ORD-\\d{6}", sources = ["vapi"] }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    pub label: String,
    /// `regex:<pattern>` or `path:<dotted.path[*]>`.
    pub pattern: String,
    #[serde(default)]
    pub sources: Option<Vec<String>>,
}

/// Why a redaction setting was rejected.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("rule label {0:?} must be 1-32 characters of A-Z, a-z, 0-9, '_' or '-'")]
    BadLabel(String),
    #[error("rule {label:?}: {spec:?} must start with \"regex:\" or \"path:\"")]
    UnknownKind { label: String, spec: String },
    #[error("rule {label:?}: bad regex: {source}")]
    BadRegex { label: String, source: regex::Error },
    #[error("rule {label:?}: regex {pattern:?} matches the empty string")]
    EmptyMatch { label: String, pattern: String },
    #[error("rule {label:?}: bad path: {source}")]
    BadPath { label: String, source: PathError },
    #[error("rule {label:?}: empty sources list (omit it to apply to every source)")]
    EmptySources { label: String },
    #[error("rule {label:?}: blank source name")]
    BlankSource { label: String },
    #[error("unknown detector {0:?} (expected phone, email, card, national_id or address)")]
    UnknownDetector(String),
    #[error("detector {0:?} is listed twice")]
    DuplicateDetector(String),
    #[error("empty detector name in {0:?}")]
    EmptyDetectorName(String),
    #[error("unknown redaction mode {0:?} (expected off, display or ingest)")]
    UnknownMode(String),
}

/// Why a JSON path was rejected; `at` is a byte offset into the path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("path is empty")]
    Empty,
    #[error("empty key at byte {at}")]
    EmptyKey { at: usize },
    #[error("unclosed '[' at byte {at}")]
    Unclosed { at: usize },
    #[error("bad array index {text:?} at byte {at} (expected a number or *)")]
    BadIndex { at: usize, text: String },
    #[error("unexpected {ch:?} at byte {at}")]
    Unexpected { at: usize, ch: char },
}

impl Rule {
    /// Parses `regex:<pattern>` or `path:<path>` into a rule for every
    /// source. The label becomes the mark text `[label]`.
    pub fn parse(label: &str, spec: &str) -> Result<Self, ConfigError> {
        let valid_label = (1..=32).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !valid_label {
            return Err(ConfigError::BadLabel(label.to_owned()));
        }
        let label = label.to_owned();
        let kind = if let Some(pattern) = spec.strip_prefix("regex:") {
            let re = Regex::new(pattern).map_err(|source| ConfigError::BadRegex {
                label: label.clone(),
                source,
            })?;
            // An empty match would "redact" nothing yet count a mark.
            if re.is_match("") {
                return Err(ConfigError::EmptyMatch {
                    label,
                    pattern: pattern.to_owned(),
                });
            }
            RuleKind::Regex(re)
        } else if let Some(path) = spec.strip_prefix("path:") {
            let steps = parse_path(path).map_err(|source| ConfigError::BadPath {
                label: label.clone(),
                source,
            })?;
            RuleKind::JsonPath(steps)
        } else {
            return Err(ConfigError::UnknownKind {
                label,
                spec: spec.to_owned(),
            });
        };
        Ok(Self {
            label,
            kind,
            sources: None,
        })
    }

    /// Restricts the rule to the named sources. An empty list or a blank
    /// name is an error: it would make the rule dead without saying so.
    pub fn with_sources(mut self, sources: Vec<String>) -> Result<Self, ConfigError> {
        if sources.is_empty() {
            return Err(ConfigError::EmptySources { label: self.label });
        }
        if sources.iter().any(|s| s.trim().is_empty()) {
            return Err(ConfigError::BlankSource { label: self.label });
        }
        self.sources = Some(sources);
        Ok(self)
    }

    pub fn from_config(config: RuleConfig) -> Result<Self, ConfigError> {
        let rule = Self::parse(&config.label, &config.pattern)?;
        match config.sources {
            Some(sources) => rule.with_sources(sources),
            None => Ok(rule),
        }
    }

    /// Whether the rule applies to `source`; names compare ignoring ASCII
    /// case so `Vapi` in a config file still matches the `vapi` source.
    pub fn applies_to(&self, source: &str) -> bool {
        self.sources
            .as_ref()
            .is_none_or(|list| list.iter().any(|s| s.eq_ignore_ascii_case(source)))
    }
}

/// Parses a dotted path such as `message.customer.number`,
/// `transcript[*].message` or `[0].text`. Keys may not contain whitespace,
/// `*` or brackets (a stray space is more likely a typo than a real key).
pub fn parse_path(path: &str) -> Result<Vec<PathStep>, PathError> {
    if path.is_empty() {
        return Err(PathError::Empty);
    }
    let mut steps = Vec::new();
    let mut chars = path.char_indices().peekable();
    loop {
        // A key, required except before a leading '['.
        let key_start = chars.peek().map_or(path.len(), |&(i, _)| i);
        let mut key_end = key_start;
        while let Some(&(i, c)) = chars.peek() {
            if matches!(c, '.' | '[') {
                break;
            }
            if c.is_whitespace() || matches!(c, ']' | '*') {
                return Err(PathError::Unexpected { at: i, ch: c });
            }
            key_end = i + c.len_utf8();
            chars.next();
        }
        if key_end > key_start {
            steps.push(PathStep::Key(path[key_start..key_end].to_owned()));
        } else if !(key_start == 0 && path.starts_with('[')) {
            return Err(PathError::EmptyKey { at: key_start });
        }
        // Any number of [n] / [*].
        while let Some(&(open, '[')) = chars.peek() {
            let close = path[open..]
                .find(']')
                .map(|i| open + i)
                .ok_or(PathError::Unclosed { at: open })?;
            let inner = &path[open + 1..close];
            let step = if inner == "*" {
                PathStep::Each
            } else if !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()) {
                let index = inner.parse().map_err(|_| PathError::BadIndex {
                    at: open,
                    text: inner.to_owned(),
                })?;
                PathStep::Index(index)
            } else {
                return Err(PathError::BadIndex {
                    at: open,
                    text: inner.to_owned(),
                });
            };
            steps.push(step);
            while chars.peek().is_some_and(|&(i, _)| i <= close) {
                chars.next();
            }
        }
        match chars.next() {
            None => return Ok(steps),
            Some((_, '.')) => {}
            Some((at, ch)) => return Err(PathError::Unexpected { at, ch }),
        }
    }
}
