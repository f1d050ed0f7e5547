//! One search's calls summed up, for two searches side by side.

use sqlx::{QueryBuilder, Row};

use super::search::SearchAt;
use super::{portable, Backend as _, Dialect};
use crate::model::compare::SearchSummary;
use crate::model::query::Query;

portable! {
    pub async fn search_summary(&self, query: &Query, at: SearchAt) -> Result<SearchSummary, sqlx::Error> {
        let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(
            "SELECT COUNT(*) AS calls,
                 CAST(coalesce(SUM(CASE WHEN status = 'ended' THEN 1 ELSE 0 END), 0) AS BIGINT) AS ended,
                 CAST(coalesce(SUM(CASE WHEN status = 'transferred' THEN 1 ELSE 0 END), 0) AS BIGINT) AS transferred,
                 AVG(CAST(coalesce(duration_ms, ended_at - started_at) AS DOUBLE PRECISION)) AS duration,
                 CAST(coalesce(SUM(n_hangs), 0) AS BIGINT) AS hangs,
                 CAST(coalesce(SUM(n_interruptions), 0) AS BIGINT) AS interruptions,
                 CAST(coalesce(SUM(n_tool_calls), 0) AS BIGINT) AS tool_calls,
                 CAST(coalesce(SUM(n_tool_errors), 0) AS BIGINT) AS tool_errors
             FROM calls WHERE TRUE",
        );
        Self::selects(&mut sql, query, at);
        let row = sql.build().fetch_one(self.reader()).await?;
        let mut summary = SearchSummary {
            calls: row.try_get("calls")?,
            ended: row.try_get("ended")?,
            transferred: row.try_get("transferred")?,
            mean_duration_ms: row.try_get("duration")?,
            hangs: row.try_get("hangs")?,
            interruptions: row.try_get("interruptions")?,
            tool_calls: row.try_get("tool_calls")?,
            tool_errors: row.try_get("tool_errors")?,
            ..SearchSummary::default()
        };
        let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(
            "SELECT COUNT(*) FROM call_metrics WHERE latency_p50_ms IS NOT NULL AND call_id IN ",
        );
        Self::selected(&mut sql, query, at);
        let measured: i64 = sql.build_query_scalar().fetch_one(self.reader()).await?;
        if measured > 0 {
            let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(
                "SELECT latency_p50_ms FROM call_metrics WHERE latency_p50_ms IS NOT NULL AND call_id IN ",
            );
            Self::selected(&mut sql, query, at);
            sql.push(" ORDER BY latency_p50_ms LIMIT 1 OFFSET ").push_bind(measured / 2);
            summary.latency_p50_ms = sql.build_query_scalar().fetch_optional(self.reader()).await?;
        }
        let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(
            "SELECT reason, COUNT(DISTINCT call_id) AS calls FROM review_flags WHERE call_id IN ",
        );
        Self::selected(&mut sql, query, at);
        sql.push(" GROUP BY reason ORDER BY calls DESC, reason");
        summary.flags = sql.build_query_as().fetch_all(self.reader()).await?;
        let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(
            "SELECT AVG(CAST(score AS DOUBLE PRECISION)) FROM reviews WHERE score IS NOT NULL AND call_id IN ",
        );
        Self::selected(&mut sql, query, at);
        summary.mean_score = sql.build_query_scalar().fetch_one(self.reader()).await?;
        let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(
            "SELECT COUNT(DISTINCT call_id) FROM reviews WHERE reviewed_at IS NOT NULL AND call_id IN ",
        );
        Self::selected(&mut sql, query, at);
        summary.reviewed = sql.build_query_scalar().fetch_one(self.reader()).await?;
        Ok(summary)
    }
}
