//! The SQLite side of search: words and phrases as FTS5 queries on
//! `event_text`, the planner's word counts (`event_text_terms`), and the
//! snippet of each call's first hit.

use std::collections::HashMap;

use sqlx::{QueryBuilder, Row, Sqlite};

use super::SqliteStore;
use crate::model::query::{Filter, Query};
use crate::model::{CallSummary, HIT_END, HIT_START};
use crate::server::store::portable::search::{TextPlan, SNIPPET_TOKENS};
use crate::server::store::portable::Backend as _;

/// A word or phrase as an FTS5 string: quoted (so no word is read as FTS5
/// syntax), with a trailing `*` kept as a prefix search.
fn fts_term(text: &str, phrase: bool) -> String {
    let (text, prefix) = match text.strip_suffix('*') {
        Some(stem) if !phrase && !stem.is_empty() => (stem, "*"),
        _ => (text, ""),
    };
    format!("\"{}\"{prefix}", text.replace('"', "\"\""))
}

impl SqliteStore {
    /// A text term as a condition on the `calls` row in hand.
    pub(in crate::server::store) fn text_matches(
        sql: &mut QueryBuilder<'_, Sqlite>,
        text: &str,
        phrase: bool,
        plan: TextPlan,
    ) {
        match plan {
            TextPlan::PerCall => {
                // One look in the index per call, over the row ids its events
                // span (from its first to `last_event_id`, the newest).
                sql.push("EXISTS (SELECT 1 FROM event_text JOIN events e ON e.id = event_text.rowid WHERE event_text MATCH ")
                    .push_bind(fts_term(text, phrase))
                    .push(
                        " AND event_text.rowid BETWEEN (SELECT MIN(id) FROM events WHERE call_id = calls.call_id)
                         AND calls.last_event_id AND e.call_id = calls.call_id)",
                    );
            }
            TextPlan::Collect => {
                sql.push("call_id IN (SELECT e.call_id FROM event_text JOIN events e ON e.id = event_text.rowid WHERE event_text MATCH ")
                    .push_bind(fts_term(text, phrase))
                    .push(")");
            }
        }
    }

    /// The text terms of `query` (indexes) whose words are each in more
    /// than [`COMMON_EVENTS`] events: checked call by call on a page.
    pub(in crate::server::store) async fn common_terms(
        &self,
        query: &Query,
    ) -> Result<Vec<usize>, sqlx::Error> {
        let mut common = Vec::new();
        for (i, term) in query.terms.iter().enumerate() {
            let Filter::Text { text, phrase } = &term.filter else {
                continue;
            };
            let prefix = !phrase && text.ends_with('*');
            let words = index_words(text);
            let mut rarest = None::<i64>;
            for (n, word) in words.iter().enumerate() {
                let docs: i64 = if prefix && n + 1 == words.len() {
                    // Up to a thousand terms with this start.
                    sqlx::query_scalar(
                        "SELECT COALESCE(SUM(doc), 0) FROM (SELECT doc FROM event_text_terms
                         WHERE term >= ?1 AND term < ?1 || x'f48fbfbf' LIMIT 1000)",
                    )
                    .bind(word)
                    .fetch_one(self.reader())
                    .await?
                } else {
                    sqlx::query_scalar("SELECT doc FROM event_text_terms WHERE term = ?")
                        .bind(word)
                        .fetch_optional(self.reader())
                        .await?
                        .unwrap_or(0)
                };
                rarest = Some(rarest.map_or(docs, |r| r.min(docs)));
            }
            if rarest.is_some_and(|docs| docs > COMMON_EVENTS) {
                common.push(i);
            }
        }
        Ok(common)
    }

    /// For each call, its first event matching any searched word.
    pub(in crate::server::store) async fn best_hits(
        &self,
        query: &Query,
        calls: &[CallSummary],
    ) -> Result<HashMap<String, (i64, String)>, sqlx::Error> {
        let any: Vec<String> = query
            .texts()
            .filter(|(_, _, negated)| !negated)
            .map(|(text, phrase, _)| fts_term(text, phrase))
            .collect();
        if any.is_empty() || calls.is_empty() {
            return Ok(HashMap::new());
        }
        // One look per call, over the row ids its events span: a common
        // word's hits in other calls are never read. The call's first hit,
        // not its best-ranked: ranking counts the word's hits in every call,
        // for each call (a quarter second a page for a word in every call).
        let any = any.join(" OR ");
        let mut best = HashMap::new();
        for call in calls {
            let hit = sqlx::query(
                "SELECT e.id, snippet(event_text, 0, ?1, ?2, '…', ?3) AS snippet
                 FROM event_text JOIN events e ON e.id = event_text.rowid
                 WHERE event_text MATCH ?4
                   AND event_text.rowid BETWEEN (SELECT MIN(id) FROM events WHERE call_id = ?5) AND ?6
                   AND e.call_id = ?5
                 ORDER BY event_text.rowid LIMIT 1",
            )
            .bind(HIT_START.to_string())
            .bind(HIT_END.to_string())
            .bind(SNIPPET_TOKENS)
            .bind(&any)
            .bind(&call.call_id)
            .bind(call.last_event_id)
            .fetch_optional(self.reader())
            .await?;
            if let Some(row) = hit {
                best.insert(
                    call.call_id.clone(),
                    (row.try_get("id")?, row.try_get("snippet")?),
                );
            }
        }
        Ok(best)
    }
}

/// Events holding a word past which a page of results checks it call by
/// call (newest first, stopping at a page) rather than collecting every
/// call that holds it first. Collecting costs about 1–2 µs a hit; a look
/// per call about 0.3 ms, and a word in 1 % of the calls makes a page look
/// at 5,000 of them. Measured on 5 million events: a word in 1 % of the
/// calls (32,000 events) took 1.5 s call by call and 26 ms collected; one
/// in a quarter of them (252,000 events) 23 ms call by call and 0.55 s
/// collected.
const COMMON_EVENTS: i64 = 100_000;

/// The words of a text term as the index keeps them (lower case; accents
/// are folded by the index, so a word with any is looked up as typed).
fn index_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
