//! Finding calls by the query bar's query: structured terms become conditions
//! on the `calls` read model; words and phrases search the FTS5 index of
//! event text (`event_text`, which the writer fills in the ingest
//! transaction: one row per event with text).

use std::collections::HashMap;

use sqlx::{QueryBuilder, Row, Sqlite};

use super::SqliteStore;
use crate::model::query::{Filter, Query};
use crate::model::{CallSummary, SearchHit, Sort, SortKey, HIT_END, HIT_START};
use crate::server::store::rows::CALL_COLUMNS as COLUMNS;
use conditions::{fts_term, selects_planned};

mod conditions;
pub(super) use conditions::selects;

/// Words around a hit in its snippet.
const SNIPPET_TOKENS: i64 = 12;

/// Which page of results, in what order: after `offset` rows in a sort
/// order (pages of the list), or newest first after a call (`started_at`,
/// `call_id`: exports, which must not see a row twice when new calls arrive
/// meanwhile).
pub enum From {
    Offset(i64, Sort),
    After(i64, String),
}

/// The `ORDER BY` of a sort: by start, by length, or by a column of the
/// call's measurement (calls not measured yet last), then newest first.
fn order_by(sort: Sort) -> String {
    let direction = if sort.ascending { "ASC" } else { "DESC" };
    // Through the narrow index of the sort keys (migration 0017), not
    // the rows with each measurement's JSON.
    let measured = |column: &str| {
        format!(
            "(SELECT {column} FROM call_metrics m INDEXED BY call_metrics_keys WHERE m.call_id = calls.call_id)"
        )
    };
    let column = match sort.key {
        SortKey::Started => {
            return format!(" ORDER BY started_at {direction}, call_id {direction}");
        }
        SortKey::Duration => {
            "COALESCE(duration_ms, COALESCE(ended_at, last_event_at) - started_at)".to_string()
        }
        SortKey::Latency => measured("latency_p50_ms"),
        SortKey::Stall => measured("stall_ms"),
        SortKey::Interruptions => measured("interruption_rate"),
        SortKey::Talk => measured("agent_talk_share"),
        SortKey::ToolErrors => measured("tool_error_rate"),
    };
    format!(" ORDER BY {column} {direction} NULLS LAST, started_at DESC, call_id DESC")
}

/// What a query is run against: the clock and the stale time, for
/// `status:` and `started>-1h`.
#[derive(Clone, Copy)]
pub struct SearchAt {
    pub now_ms: i64,
    pub stale_after_ms: i64,
}

impl SqliteStore {
    /// One page of the calls `query` selects, newest first (`limit + 1`
    /// asked for, so the caller knows whether more follow), each with its
    /// first text hit when the query searched words.
    pub async fn search_calls(
        &self,
        query: &Query,
        at: SearchAt,
        from: From,
        limit: i64,
    ) -> Result<Vec<SearchHit>, sqlx::Error> {
        let per_call = self.common_terms(query).await?;
        let mut sql = QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM calls WHERE 1"));
        selects_planned(&mut sql, query, at, &per_call);
        let (offset, sort) = match from {
            From::Offset(offset, sort) => (offset, sort),
            From::After(started_at, call_id) => {
                sql.push(" AND (started_at < ")
                    .push_bind(started_at)
                    .push(" OR (started_at = ")
                    .push_bind(started_at)
                    .push(" AND call_id < ")
                    .push_bind(call_id)
                    .push("))");
                (0, Sort::default())
            }
        };
        sql.push(order_by(sort))
            .push(" LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        let calls: Vec<CallSummary> = sql.build_query_as().fetch_all(&self.read).await?;
        let mut hits = self.best_hits(query, &calls).await?;
        Ok(calls
            .into_iter()
            .map(|call| {
                let hit = hits.remove(&call.call_id);
                SearchHit {
                    event_id: hit.as_ref().map(|h| h.0),
                    snippet: hit.map(|h| h.1),
                    call,
                }
            })
            .collect())
    }

    /// The text terms of `query` (indexes) whose words are each in more
    /// than [`COMMON_EVENTS`] events: checked call by call on a page.
    async fn common_terms(&self, query: &Query) -> Result<Vec<usize>, sqlx::Error> {
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
                    .fetch_one(&self.read)
                    .await?
                } else {
                    sqlx::query_scalar("SELECT doc FROM event_text_terms WHERE term = ?")
                        .bind(word)
                        .fetch_optional(&self.read)
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

    /// How many calls `query` selects.
    pub async fn count_calls(&self, query: &Query, at: SearchAt) -> Result<i64, sqlx::Error> {
        let mut sql = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM calls WHERE 1");
        selects(&mut sql, query, at);
        sql.build_query_scalar().fetch_one(&self.read).await
    }

    /// For each call, its first event matching any searched word.
    async fn best_hits(
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
            .fetch_optional(&self.read)
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
/// call that holds it first.
const COMMON_EVENTS: i64 = 20_000;

/// The words of a text term as the index keeps them (lower case; accents
/// are folded by the index, so a word with any is looked up as typed).
fn index_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests;
