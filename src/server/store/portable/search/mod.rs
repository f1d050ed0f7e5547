//! Finding calls by the query bar's query: structured terms become conditions
//! on the `calls` read model; words and phrases search the full-text index
//! of event text (`event_text`, which the writer fills in the ingest
//! transaction: one row per event with text). The index itself differs by
//! engine: `sqlite/search.rs` and `postgres/search.rs`.

use sqlx::QueryBuilder;

use super::{portable, Backend as _, Dialect};
use crate::model::query::Query;
use crate::model::{CallSummary, SearchHit, Sort, SortKey};
use crate::server::store::rows::CALL_COLUMNS as COLUMNS;

mod conditions;
pub(in crate::server::store) use conditions::TextPlan;

/// Words around a hit in its snippet.
pub(in crate::server::store) const SNIPPET_TOKENS: i64 = 12;

/// Which page of results, in what order: after `offset` rows in a sort
/// order (pages of the list), or newest first after a call (`started_at`,
/// `call_id`: exports, which must not see a row twice when new calls arrive
/// meanwhile).
pub enum From {
    Offset(i64, Sort),
    After(i64, String),
}

/// The `ORDER BY` of a sort by start or by length, then newest first.
fn order_by(sort: Sort) -> String {
    let direction = if sort.ascending { "ASC" } else { "DESC" };
    let column = match sort.key {
        SortKey::Duration => {
            "COALESCE(duration_ms, COALESCE(ended_at, last_event_at) - started_at)"
        }
        _ => return format!(" ORDER BY started_at {direction}, call_id {direction}"),
    };
    format!(" ORDER BY {column} {direction} NULLS LAST, started_at DESC, call_id DESC")
}

/// The column of the call's measurement a sort orders by, and the index
/// that keeps it in order (migration 0029).
fn measured_by(key: SortKey) -> Option<(&'static str, &'static str)> {
    Some(match key {
        SortKey::Started | SortKey::Duration => return None,
        SortKey::Latency => ("latency_p50_ms", "call_metrics_by_latency"),
        SortKey::Stall => ("stall_ms", "call_metrics_by_stall"),
        SortKey::Interruptions => ("interruption_rate", "call_metrics_by_interruptions"),
        SortKey::Talk => ("agent_talk_share", "call_metrics_by_talk"),
        SortKey::ToolErrors => ("tool_error_rate", "call_metrics_by_tool_errors"),
    })
}

/// What a query is run against: the clock and the stale time, for
/// `status:` and `started>-1h`.
#[derive(Clone, Copy)]
pub struct SearchAt {
    pub now_ms: i64,
    pub stale_after_ms: i64,
}

portable! {
    pub async fn search_calls(
        &self,
        query: &Query,
        at: SearchAt,
        from: From,
        limit: i64,
    ) -> Result<Vec<SearchHit>, sqlx::Error> {
        let per_call = self.common_terms(query).await?;
        let calls = match from {
            From::Offset(offset, sort) => match measured_by(sort.key) {
                Some(by) => self.calls_by_measure(query, at, &per_call, by, sort.ascending, offset, limit).await?,
                None => {
                    let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(format!("SELECT {COLUMNS} FROM calls WHERE TRUE"));
                    Self::selects_planned(&mut sql, query, at, &per_call);
                    sql.push(order_by(sort));
                    Self::page(&mut sql, offset, limit);
                    sql.build_query_as().fetch_all(self.reader()).await?
                }
            },
            From::After(started_at, call_id) => {
                let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(format!("SELECT {COLUMNS} FROM calls WHERE TRUE"));
                Self::selects_planned(&mut sql, query, at, &per_call);
                sql.push(" AND (started_at < ")
                    .push_bind(started_at)
                    .push(" OR (started_at = ")
                    .push_bind(started_at)
                    .push(" AND call_id < ")
                    .push_bind(call_id)
                    .push("))")
                    .push(order_by(Sort::default()));
                Self::page(&mut sql, 0, limit);
                sql.build_query_as().fetch_all(self.reader()).await?
            }
        };
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

    fn page(sql: &mut QueryBuilder<'_, <Self as Dialect>::Db>, offset: i64, limit: i64) {
        sql.push(" LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
    }

    /// A page of the selected calls in the order of a measure (`by`: its
    /// column and index), the calls it does not measure (yet) last, newest
    /// first. The measured ones are walked in the index's order, so a page
    /// reads about as many calls as it shows, however many are stored.
    #[allow(clippy::too_many_arguments)]
    async fn calls_by_measure(
        &self,
        query: &Query,
        at: SearchAt,
        per_call: &[usize],
        (column, index): (&str, &str),
        ascending: bool,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<CallSummary>, sqlx::Error> {
        let measured = |select: &str| {
            // Driven by the index (CROSS JOIN keeps SQLite's loops in this order).
            let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(format!(
                "SELECT {select} FROM (SELECT call_id AS measured, {column} AS sort_key
                 FROM call_metrics {} WHERE {column} IS NOT NULL) keyed
                 CROSS JOIN calls WHERE calls.call_id = keyed.measured",
                Self::through_index(index)
            ));
            Self::selects_planned(&mut sql, query, at, per_call);
            sql
        };
        let mut sql = measured(COLUMNS);
        let direction = if ascending { "ASC" } else { "DESC" };
        sql.push(format!(" ORDER BY sort_key {direction}, started_at DESC, call_id DESC"));
        Self::page(&mut sql, offset, limit);
        let mut calls: Vec<CallSummary> = sql.build_query_as().fetch_all(self.reader()).await?;
        let wanted = limit - calls.len() as i64;
        if wanted == 0 {
            return Ok(calls);
        }
        // Past the measured calls: how far past them the page starts.
        let after_measured = if calls.is_empty() {
            let counted: i64 = measured("COUNT(*)").build_query_scalar().fetch_one(self.reader()).await?;
            (offset - counted).max(0)
        } else {
            0
        };
        let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(format!(
            "SELECT {COLUMNS} FROM calls WHERE NOT EXISTS (SELECT 1 FROM call_metrics m
             WHERE m.call_id = calls.call_id AND m.{column} IS NOT NULL)"
        ));
        Self::selects_planned(&mut sql, query, at, per_call);
        sql.push(order_by(Sort::default()));
        Self::page(&mut sql, after_measured, wanted);
        calls.extend(sql.build_query_as::<CallSummary>().fetch_all(self.reader()).await?);
        Ok(calls)
    }

    pub async fn calls_matching(
        &self,
        query: &Query,
        at: SearchAt,
        call_ids: &[&str],
    ) -> Result<Vec<(String, String)>, sqlx::Error> {
        if call_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql =
            QueryBuilder::<<Self as Dialect>::Db>::new("SELECT call_id, source FROM calls WHERE call_id IN (");
        let mut ids = sql.separated(", ");
        for id in call_ids {
            ids.push_bind(id.to_string());
        }
        sql.push(")");
        Self::selects(&mut sql, query, at);
        sql.build_query_as().fetch_all(self.reader()).await
    }

    pub async fn count_calls(&self, query: &Query, at: SearchAt) -> Result<i64, sqlx::Error> {
        let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new("SELECT COUNT(*) FROM calls WHERE TRUE");
        Self::selects(&mut sql, query, at);
        sql.build_query_scalar().fetch_one(self.reader()).await
    }

}
