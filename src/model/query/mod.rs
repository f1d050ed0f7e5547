//! The calls list's query language: free words and `"quoted phrases"`
//! (full-text), and terms that narrow — `status:live|ended|transferred|stale`,
//! `ended_by:agent|user`, `has:tool_error|hang|interruption|transfer|redacted`,
//! `tool:NAME`, `source:infer|vapi|retell`, `duration>120` (seconds; `<`,
//! `<=`, `>=`, `=` too), `started>2026-05-01` (a date, a date and time, or
//! `-1h` / `-24h` / `-7d` back from now), `caller:` and `agent:` (part of
//! a name or number); and what reviewers concluded: `flag:REASON`,
//! `has:note`, `reviewed:yes|no`, `score<3` (some reviewer's score, 1–5),
//! `reviewer:NAME`. `-term` negates any of them. A query that cannot be
//! read says what is wrong and where; so does one too long to search
//! quickly, or one holding a NUL character (no database stores one).

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::time::{DAY_MS, HOUR_MS, MINUTE_MS};
use tokens::{tokens, Token};

mod tokens;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Query {
    pub terms: Vec<Term>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Term {
    pub negated: bool,
    pub filter: Filter,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Filter {
    /// A word (`word*` matches its prefix) or a phrase, searched in the text.
    Text {
        text: String,
        phrase: bool,
    },
    Status(StatusIs),
    EndedBy(String),
    Has(Feature),
    Tool(String),
    Source(String),
    /// Part of the caller's number or name, any case.
    Caller(String),
    /// Part of the agent's name or number, any case.
    Agent(String),
    /// Seconds.
    Duration(Cmp, i64),
    Started(Cmp, When),
    /// Started on this UTC day (its midnight, epoch ms): `started:2026-05-01`.
    StartedOn(i64),
    /// Flagged (the call or an item) for this reason's code.
    Flag(String),
    /// Marked reviewed by someone (`true`) or by nobody.
    Reviewed(bool),
    /// Some reviewer's score compares so (1–5).
    Score(Cmp, i64),
    /// Reviewed, scored or flagged by the account of this name, any case.
    Reviewer(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusIs {
    Live,
    Ended,
    Transferred,
    Stale,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Feature {
    ToolError,
    Hang,
    Interruption,
    Transfer,
    /// Redaction marks: sensitive data found (and, at ingest, taken out).
    Redacted,
    /// A reviewer's note.
    Note,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

/// A moment: epoch ms (UTC), or ms back from now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum When {
    At(i64),
    Ago(i64),
}

impl When {
    pub fn resolve(self, now_ms: i64) -> i64 {
        match self {
            When::At(ms) => ms,
            When::Ago(ms) => now_ms.saturating_sub(ms),
        }
    }
}

impl Cmp {
    pub fn sql(self) -> &'static str {
        match self {
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Eq => "=",
        }
    }
}

/// What is wrong with a query, and where (a character offset).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryError {
    pub at: usize,
    pub message: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.at + 1)
    }
}

/// The furthest back `started>-…` reaches (about 1,000 years).
const MAX_SPAN_MS: i64 = 1_000 * 366 * DAY_MS;
/// The longest `duration` compared (about 100 years, in seconds).
const MAX_DURATION_S: i64 = 100 * 366 * 86_400;

/// The longest query read, in characters.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// The most terms (words, phrases and filters) a query holds: each is a
/// join or a condition of the search.
pub const MAX_TERMS: usize = 32;

const KEYS: &str = "status, ended_by, has, tool, source, caller, agent, duration, started, flag, reviewed, score, reviewer";

/// `key:value` as the query bar reads it: the value quoted when it has a
/// space (a value holds no quotes: any are dropped).
pub fn filter_term(key: &str, value: &str) -> String {
    if value.contains(char::is_whitespace) || value.contains('"') {
        format!("{key}:\"{}\"", value.replace('"', ""))
    } else {
        format!("{key}:{value}")
    }
}

impl Query {
    pub fn parse(input: &str) -> Result<Query, QueryError> {
        let mut terms = Vec::new();
        for token in tokens(input)? {
            terms.push(term(&token)?);
        }
        Ok(Query { terms })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The words and phrases to search, without the negated ones.
    pub fn texts(&self) -> impl Iterator<Item = (&str, bool, bool)> {
        self.terms.iter().filter_map(|t| match &t.filter {
            Filter::Text { text, phrase } => Some((text.as_str(), *phrase, t.negated)),
            _ => None,
        })
    }
}

fn term(token: &Token) -> Result<Term, QueryError> {
    let error = |message: String| QueryError {
        at: token.at,
        message,
    };
    let value = token.value.trim();
    let filter = match &token.key {
        None => {
            if value.is_empty() {
                return Err(error(
                    "an empty phrase: put words between the quotes".into(),
                ));
            }
            Filter::Text {
                text: value.to_string(),
                phrase: token.quoted,
            }
        }
        Some((key, op)) => {
            if value.is_empty() {
                return Err(error(format!("`{key}{op}` needs a value")));
            }
            let lower = value.to_ascii_lowercase();
            let colon = |f: Filter| {
                if op == ":" {
                    Ok(f)
                } else {
                    Err(error(format!("`{key}` takes `{key}:value`, not `{op}`")))
                }
            };
            match key.as_str() {
                "status" => colon(Filter::Status(match lower.as_str() {
                    "live" => StatusIs::Live,
                    "ended" => StatusIs::Ended,
                    "transferred" => StatusIs::Transferred,
                    "stale" => StatusIs::Stale,
                    _ => {
                        return Err(error(format!(
                            "unknown status `{value}`: use live, ended, transferred or stale"
                        )))
                    }
                }))?,
                "ended_by" => colon(Filter::EndedBy(lower))?,
                "has" => colon(Filter::Has(match lower.as_str() {
                    "tool_error" | "error" => Feature::ToolError,
                    "hang" => Feature::Hang,
                    "interruption" => Feature::Interruption,
                    "transfer" => Feature::Transfer,
                    "redacted" => Feature::Redacted,
                    "note" | "notes" => Feature::Note,
                    _ => {
                        return Err(error(format!(
                            "unknown `has:{value}`: use tool_error, hang, interruption, transfer, redacted or note"
                        )))
                    }
                }))?,
                "tool" => colon(Filter::Tool(value.to_string()))?,
                "flag" => colon(Filter::Flag(lower))?,
                "reviewer" => colon(Filter::Reviewer(lower))?,
                "reviewed" => colon(Filter::Reviewed(match lower.as_str() {
                    "yes" | "true" => true,
                    "no" | "false" => false,
                    _ => return Err(error(format!("`reviewed` is yes or no, not `{value}`"))),
                }))?,
                "score" => {
                    let score = value.parse::<i64>().ok().filter(|s| (1..=5).contains(s)).ok_or_else(|| {
                        error(format!("`score` is a whole number from 1 to 5, like score<3, not `{value}`"))
                    })?;
                    Filter::Score(cmp(op).ok_or_else(|| error(format!("`score` compares with < <= > >= =, not `{op}`")))?, score)
                }
                "source" => colon(Filter::Source(lower))?,
                "caller" => colon(Filter::Caller(lower))?,
                "agent" => colon(Filter::Agent(lower))?,
                "duration" => {
                    let secs = value.parse::<i64>().ok().filter(|s| (0..MAX_DURATION_S).contains(s)).ok_or_else(|| {
                        error(format!("`duration` needs whole seconds, like duration>120, not `{value}`"))
                    })?;
                    Filter::Duration(cmp(op).ok_or_else(|| error(format!("`duration` compares with < <= > >= =, not `{op}`")))?, secs)
                }
                "started" if matches!(op.as_str(), ":" | "=") && NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok() => {
                    match when(value) {
                        Some(When::At(day)) => Filter::StartedOn(day),
                        _ => return Err(error(format!("`{value}` is not a date"))),
                    }
                }
                "started" => Filter::Started(
                    cmp(op).ok_or_else(|| error(format!("`started` compares with < <= > >= =, not `{op}`")))?,
                    when(value).ok_or_else(|| {
                        error(format!(
                            "`started` needs a date (2026-05-01), a date and time (2026-05-01T14:30) or a span back from now (-1h, -7d), not `{value}`"
                        ))
                    })?,
                ),
                _ => return Err(error(format!("unknown filter `{key}{op}`: use {KEYS}, or put it in quotes to search for it"))),
            }
        }
    };
    Ok(Term {
        negated: token.negated,
        filter,
    })
}

fn cmp(op: &str) -> Option<Cmp> {
    Some(match op {
        "<" => Cmp::Lt,
        "<=" => Cmp::Le,
        ">" => Cmp::Gt,
        ">=" => Cmp::Ge,
        "=" | ":" => Cmp::Eq,
        _ => return None,
    })
}

fn when(value: &str) -> Option<When> {
    if let Some(span) = value.strip_prefix('-') {
        let unit = span.chars().last()?;
        let n: i64 = span[..span.len() - unit.len_utf8()]
            .parse()
            .ok()
            .filter(|n| *n > 0)?;
        let ms: i64 = match unit {
            'm' => MINUTE_MS,
            'h' => HOUR_MS,
            'd' => DAY_MS,
            _ => return None,
        };
        // Past any date a call could have: refused, not wrapped around.
        return n
            .checked_mul(ms)
            .filter(|ms| *ms < MAX_SPAN_MS)
            .map(When::Ago);
    }
    if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Some(When::At(
            date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis(),
        ));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
        .map(|t| When::At(t.and_utc().timestamp_millis()))
}

#[cfg(test)]
mod tests;
