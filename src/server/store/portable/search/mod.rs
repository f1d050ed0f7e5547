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

/// The `ORDER BY` of a sort: by start, by length, or by a column of the
/// call's measurement (calls not measured yet last), then newest first.
fn order_by<S: Dialect>(sort: Sort) -> String {
    let direction = if sort.ascending { "ASC" } else { "DESC" };
    // Through the narrow index of the sort keys (migration 0017), not
    // the rows with each measurement's JSON.
    let measured = |column: &str| {
        format!(
            "(SELECT {column} FROM call_metrics m {} WHERE m.call_id = calls.call_id)",
            S::through_index("call_metrics_keys")
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

portable! {
    pub async fn search_calls(
        &self,
        query: &Query,
        at: SearchAt,
        from: From,
        limit: i64,
    ) -> Result<Vec<SearchHit>, sqlx::Error> {
        let per_call = self.common_terms(query).await?;
        let mut sql =
            QueryBuilder::<<Self as Dialect>::Db>::new(format!("SELECT {COLUMNS} FROM calls WHERE TRUE"));
        Self::selects_planned(&mut sql, query, at, &per_call);
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
        sql.push(order_by::<Self>(sort))
            .push(" LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        let calls: Vec<CallSummary> = sql.build_query_as().fetch_all(self.reader()).await?;
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
