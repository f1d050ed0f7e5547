//! The figures behind `/insights`, over the calls a query selects: counts
//! per hour or day from the `calls` read model, latencies and tools from the
//! calls' measurements (`call_metrics`).

use std::collections::HashMap;

use sqlx::{QueryBuilder, Row};

use super::search::SearchAt;
use super::{portable, Backend as _, Dialect};
use crate::model::insights::{fill, Bucket, FlagCounts, PartSpread, Percentiles, Step, ToolRate};
use crate::model::query::Query;

/// A figure the database handed over that cannot be read.
fn decode(why: String) -> sqlx::Error {
    sqlx::Error::Decode(why.into())
}

/// Functions listed by tool error rate.
const TOOLS_SHOWN: i64 = 20;

/// What `/insights` draws.
pub struct Insights {
    pub step: Step,
    pub buckets: Vec<Bucket>,
    pub tools: Vec<ToolRate>,
    pub latency_parts: Vec<PartSpread>,
    pub flags: FlagCounts,
    pub total: i64,
    pub cut: bool,
}

portable! {
    /// `SELECT call_id FROM calls WHERE` the query: for the tables beside it.
    pub(in crate::server::store) fn selected(sql: &mut QueryBuilder<'_, <Self as Dialect>::Db>, query: &Query, at: SearchAt) {
        sql.push("(SELECT call_id FROM calls WHERE TRUE");
        Self::selects(sql, query, at);
        sql.push(")");
    }

    /// ` AND {column} IN` the calls the query selects; nothing when it
    /// selects every call (a lookup per row that keeps every row).
    fn within(sql: &mut QueryBuilder<'_, <Self as Dialect>::Db>, column: &str, query: &Query, at: SearchAt) {
        if !query.terms.is_empty() {
            sql.push(format!(" AND {column} IN "));
            Self::selected(sql, query, at);
        }
    }

    pub async fn insights(&self, query: &Query, at: SearchAt) -> Result<Insights, sqlx::Error> {
        let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(
            "SELECT COUNT(*) AS n, MIN(started_at) AS first, MAX(started_at) AS last FROM calls WHERE TRUE",
        );
        Self::selects(&mut sql, query, at);
        let range = sql.build().fetch_one(self.reader()).await?;
        let total: i64 = range.try_get("n")?;
        let (Some(first), Some(last)) = (
            range.try_get::<Option<i64>, _>("first")?,
            range.try_get::<Option<i64>, _>("last")?,
        ) else {
            return Ok(Insights {
                step: Step::Hour,
                buckets: Vec::new(),
                tools: Vec::new(),
                latency_parts: Vec::new(),
                flags: FlagCounts::default(),
                total,
                cut: false,
            });
        };
        let step = Step::for_span(last - first);
        let found = self.buckets(query, at, step).await?;
        let (mut buckets, cut) = fill(found, step, first, last);
        self.add_latencies(query, at, step, &mut buckets).await?;
        let drawn_from = buckets.first().map(|b| b.start);
        Ok(Insights {
            step,
            buckets,
            tools: self.tool_rates(query, at).await?,
            latency_parts: self.latency_parts(query, at).await?,
            flags: self.flag_counts(query, at, step, drawn_from).await?,
            total,
            cut,
        })
    }

    /// The selected calls flagged for each reason, per bucket (from `first`,
    /// the first bucket drawn) and per agent.
    async fn flag_counts(&self, query: &Query, at: SearchAt, step: Step, first: Option<i64>) -> Result<FlagCounts, sqlx::Error> {
        let Some(first) = first else {
            return Ok(FlagCounts::default());
        };
        let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new("SELECT (c.started_at / ");
        sql.push_bind(step.ms())
            .push(") * ")
            .push_bind(step.ms())
            .push(
                " AS start, f.reason AS reason, COUNT(DISTINCT f.call_id) AS calls
                 FROM review_flags f JOIN calls c ON c.call_id = f.call_id
                 WHERE c.started_at >= ",
            )
            .push_bind(first);
        Self::within(&mut sql, "f.call_id", query, at);
        sql.push(" GROUP BY start, f.reason ORDER BY start, f.reason");
        let over_time = sql
            .build()
            .fetch_all(self.reader())
            .await?
            .into_iter()
            .map(|r| Ok((r.try_get("start")?, r.try_get("reason")?, r.try_get("calls")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(
            "SELECT coalesce(c.agent, '') AS agent, f.reason AS reason, COUNT(DISTINCT f.call_id) AS calls
             FROM review_flags f JOIN calls c ON c.call_id = f.call_id WHERE TRUE",
        );
        Self::within(&mut sql, "f.call_id", query, at);
        sql.push(" GROUP BY coalesce(c.agent, ''), f.reason ORDER BY agent, f.reason");
        let by_agent = sql
            .build()
            .fetch_all(self.reader())
            .await?
            .into_iter()
            .map(|r| Ok((r.try_get("agent")?, r.try_get("reason")?, r.try_get("calls")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(FlagCounts { over_time, by_agent })
    }

    /// Each latency part's spread over the selected calls whose source
    /// reported parts, after the whole silence heard on those calls (their
    /// trusted latencies). Each group's values come back as one list (rows
    /// cost more to hand over than numbers to sort).
    async fn latency_parts(&self, query: &Query, at: SearchAt) -> Result<Vec<PartSpread>, sqlx::Error> {
        let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(format!(
            "SELECT '' AS g, {} AS v FROM (SELECT DISTINCT call_id FROM call_latency_parts) p
             JOIN call_metrics m {} ON m.call_id = p.call_id
             WHERE m.latency_p50_ms IS NOT NULL AND NOT m.latency_estimated",
            Self::listed("m.latency_p50_ms"),
            Self::through_index("call_metrics_keys")
        ));
        Self::within(&mut sql, "m.call_id", query, at);
        sql.push(format!(" UNION ALL SELECT part AS g, {} AS v FROM call_latency_parts WHERE TRUE", Self::listed("ms")));
        Self::within(&mut sql, "call_id", query, at);
        sql.push(" GROUP BY part");
        let mut groups = HashMap::new();
        for r in sql.build().fetch_all(self.reader()).await? {
            // The whole is one row, without values when no call reported parts.
            if let Some(listed) = r.try_get::<Option<String>, _>("v")? {
                let spread = Percentiles::of_listed(&listed, 0).map_err(decode)?;
                groups.insert(r.try_get::<String, _>("g")?, spread);
            }
        }
        PartSpread::of(&groups).map_err(decode)
    }

    async fn buckets(
        &self,
        query: &Query,
        at: SearchAt,
        step: Step,
    ) -> Result<Vec<Bucket>, sqlx::Error> {
        let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new("SELECT (started_at / ");
        sql.push_bind(step.ms())
            .push(") * ")
            .push_bind(step.ms())
            .push(
                " AS start, COUNT(*) AS calls,
                 CAST(SUM(CASE WHEN status = 'ended' THEN 1 ELSE 0 END) AS BIGINT) AS ended,
                 CAST(SUM(CASE WHEN status = 'transferred' THEN 1 ELSE 0 END) AS BIGINT) AS transferred,
                 CAST(SUM(CASE WHEN status = 'live' THEN 1 ELSE 0 END) AS BIGINT) AS live,
                 CAST(SUM(n_hangs) AS BIGINT) AS hangs,
                 CAST(SUM(n_interruptions) AS BIGINT) AS interruptions
                 FROM calls WHERE TRUE",
            );
        Self::selects(&mut sql, query, at);
        sql.push(" GROUP BY start ORDER BY start");
        let rows = sql.build().fetch_all(self.reader()).await?;
        rows.into_iter()
            .map(|r| {
                Ok(Bucket {
                    start: r.try_get("start")?,
                    calls: r.try_get("calls")?,
                    ended: r.try_get("ended")?,
                    transferred: r.try_get("transferred")?,
                    live: r.try_get("live")?,
                    hangs: r.try_get("hangs")?,
                    interruptions: r.try_get("interruptions")?,
                    ..Bucket::default()
                })
            })
            .collect()
    }

    /// Each bucket's p50 and p95 of its calls' median turn latency, from
    /// each bucket's latencies listed in one row.
    async fn add_latencies(
        &self,
        query: &Query,
        at: SearchAt,
        step: Step,
        buckets: &mut [Bucket],
    ) -> Result<(), sqlx::Error> {
        let Some(first) = buckets.first().map(|b| b.start) else {
            return Ok(());
        };
        let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new("SELECT (c.started_at / ");
        sql.push_bind(step.ms())
            .push(") * ")
            .push_bind(step.ms())
            .push(format!(
                " AS start, {} AS latencies,
                 CAST(SUM(CASE WHEN m.latency_estimated THEN 1 ELSE 0 END) AS BIGINT) AS estimated
                 FROM calls c JOIN call_metrics m {} ON m.call_id = c.call_id
                 WHERE m.latency_p50_ms IS NOT NULL AND c.started_at >= ",
                Self::listed("m.latency_p50_ms"),
                Self::through_index("call_metrics_keys")
            ))
            .push_bind(first);
        Self::within(&mut sql, "c.call_id", query, at);
        sql.push(" GROUP BY start");
        let mut by_bucket = HashMap::new();
        for r in sql.build().fetch_all(self.reader()).await? {
            let listed: String = r.try_get("latencies")?;
            let spread = Percentiles::of_listed(&listed, r.try_get("estimated")?).map_err(decode)?;
            by_bucket.insert(r.try_get::<i64, _>("start")?, spread);
        }
        for bucket in buckets.iter_mut() {
            if let Some(p) = by_bucket.get(&bucket.start) {
                bucket.latency_p50 = Some(p.p50);
                bucket.latency_p95 = Some(p.p95);
                bucket.latency_estimated = p.marked;
            }
        }
        Ok(())
    }

    /// Tool calls and errors per function, most errors first.
    async fn tool_rates(&self, query: &Query, at: SearchAt) -> Result<Vec<ToolRate>, sqlx::Error> {
        let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(
            "SELECT function, CAST(SUM(calls) AS BIGINT) AS calls, CAST(SUM(errors) AS BIGINT) AS errors
             FROM call_tools WHERE TRUE",
        );
        Self::within(&mut sql, "call_id", query, at);
        sql.push(" GROUP BY function ORDER BY SUM(errors) * 1.0 / SUM(calls) DESC, SUM(calls) DESC LIMIT ")
            .push_bind(TOOLS_SHOWN);
        let rows = sql.build().fetch_all(self.reader()).await?;
        rows.into_iter()
            .map(|r| {
                Ok(ToolRate {
                    function: r.try_get("function")?,
                    calls: r.try_get("calls")?,
                    errors: r.try_get("errors")?,
                })
            })
            .collect()
    }
}
