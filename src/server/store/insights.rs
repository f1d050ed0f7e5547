//! The figures behind `/insights`, over the calls a query selects: counts
//! per hour or day from the `calls` read model, latencies and tools from the
//! calls' measurements (`call_metrics`).

use sqlx::{QueryBuilder, Row, Sqlite};

use super::search::{selects, SearchAt};
use super::Store;
use crate::model::insights::{fill, Bucket, Step, ToolRate};
use crate::model::query::Query;

/// Functions listed by tool error rate.
const TOOLS_SHOWN: i64 = 20;

/// What `/insights` draws.
pub struct Insights {
    pub step: Step,
    pub buckets: Vec<Bucket>,
    pub tools: Vec<ToolRate>,
    pub total: i64,
    pub cut: bool,
}

/// `SELECT call_id FROM calls WHERE` the query: for the tables beside it.
fn selected<'a>(sql: &mut QueryBuilder<'a, Sqlite>, query: &Query, at: SearchAt) {
    sql.push("(SELECT call_id FROM calls WHERE 1");
    selects(sql, query, at);
    sql.push(")");
}

impl Store {
    pub async fn insights(&self, query: &Query, at: SearchAt) -> Result<Insights, sqlx::Error> {
        let mut sql = QueryBuilder::<Sqlite>::new(
            "SELECT COUNT(*) AS n, MIN(started_at) AS first, MAX(started_at) AS last FROM calls WHERE 1",
        );
        selects(&mut sql, query, at);
        let range = sql.build().fetch_one(&self.read).await?;
        let total: i64 = range.try_get("n")?;
        let (Some(first), Some(last)) = (
            range.try_get::<Option<i64>, _>("first")?,
            range.try_get::<Option<i64>, _>("last")?,
        ) else {
            return Ok(Insights {
                step: Step::Hour,
                buckets: Vec::new(),
                tools: Vec::new(),
                total,
                cut: false,
            });
        };
        let step = Step::for_span(last - first);
        let found = self.buckets(query, at, step).await?;
        let (mut buckets, cut) = fill(found, step, first, last);
        self.add_latencies(query, at, step, &mut buckets).await?;
        Ok(Insights {
            step,
            buckets,
            tools: self.tool_rates(query, at).await?,
            total,
            cut,
        })
    }

    async fn buckets(
        &self,
        query: &Query,
        at: SearchAt,
        step: Step,
    ) -> Result<Vec<Bucket>, sqlx::Error> {
        let mut sql = QueryBuilder::<Sqlite>::new("SELECT (started_at / ");
        sql.push_bind(step.ms())
            .push(") * ")
            .push_bind(step.ms())
            .push(
                " AS start, COUNT(*) AS calls,
                 SUM(status = 'ended') AS ended, SUM(status = 'transferred') AS transferred,
                 SUM(status = 'live') AS live, SUM(n_hangs) AS hangs,
                 SUM(n_interruptions) AS interruptions
                 FROM calls WHERE 1",
            );
        selects(&mut sql, query, at);
        sql.push(" GROUP BY start ORDER BY start");
        let rows = sql.build().fetch_all(&self.read).await?;
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

    /// Each bucket's p50 and p95 of its calls' median turn latency.
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
        let mut sql = QueryBuilder::<Sqlite>::new("SELECT (c.started_at / ");
        sql.push_bind(step.ms())
            .push(") * ")
            .push_bind(step.ms())
            .push(
                " AS start, m.latency_p50_ms AS latency,
                 json_array_length(m.detail, '$.latency.untrusted') > 0 AS estimated
                 FROM call_metrics m JOIN calls c ON c.call_id = m.call_id
                 WHERE m.latency_p50_ms IS NOT NULL AND c.started_at >= ",
            )
            .push_bind(first)
            .push(" AND m.call_id IN ");
        selected(&mut sql, query, at);
        sql.push(" ORDER BY start, latency");
        let rows = sql.build().fetch_all(&self.read).await?;
        let mut latencies: Vec<(i64, i64, bool)> = Vec::with_capacity(rows.len());
        for r in rows {
            latencies.push((
                r.try_get("start")?,
                r.try_get("latency")?,
                r.try_get::<Option<bool>, _>("estimated")?.unwrap_or(false),
            ));
        }
        for bucket in buckets.iter_mut() {
            let inside: Vec<&(i64, i64, bool)> =
                latencies.iter().filter(|l| l.0 == bucket.start).collect();
            let at = |p: usize| {
                inside
                    .get((inside.len().saturating_sub(1)) * p / 100)
                    .map(|l| l.1)
            };
            bucket.latency_p50 = at(50);
            bucket.latency_p95 = at(95);
            bucket.latency_estimated = inside.iter().filter(|l| l.2).count() as i64;
        }
        Ok(())
    }

    /// Tool calls and errors per function, most errors first.
    async fn tool_rates(&self, query: &Query, at: SearchAt) -> Result<Vec<ToolRate>, sqlx::Error> {
        let mut sql = QueryBuilder::<Sqlite>::new(
            "SELECT json_extract(t.value, '$.function') AS function,
                    SUM(json_extract(t.value, '$.calls')) AS calls,
                    SUM(json_extract(t.value, '$.errors')) AS errors
             FROM call_metrics m, json_each(m.detail, '$.tools.value') t
             WHERE m.call_id IN ",
        );
        selected(&mut sql, query, at);
        sql.push(" GROUP BY function ORDER BY errors * 1.0 / calls DESC, calls DESC LIMIT ")
            .push_bind(TOOLS_SHOWN);
        let rows = sql.build().fetch_all(&self.read).await?;
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
