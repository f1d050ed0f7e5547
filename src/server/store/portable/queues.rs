//! Review queues: each one's rule, the ended calls it looked at (in the
//! order it found them) and which of those it offers, and how far its
//! reviewers got.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use sqlx::{FromRow, QueryBuilder};

use super::search::SearchAt;
use super::{portable, Backend as _, Dialect};
use crate::model::query::Query;
use crate::model::review::{Queue, Sampling};
use crate::model::time::DAY_MS;
use crate::server::store::now_ms;

/// Calls a queue looks at per write transaction.
const STEP: i64 = 500;

/// A new queue, checked.
#[derive(Debug, Clone)]
pub struct NewQueue {
    pub name: String,
    pub query: String,
    pub sampling: Sampling,
    pub reviews_needed: i64,
    pub reviewers: Vec<String>,
}

/// What a queue offers, and to whom.
#[derive(Debug, Clone)]
pub struct QueueRule {
    /// The calls list's query, as typed.
    pub query: String,
    pub sampling: Sampling,
    /// Who the queue is for (anyone who may review, when empty).
    pub reviewers: Vec<String>,
}

#[derive(FromRow)]
struct QueueRow {
    id: i64,
    name: String,
    query: String,
    sampling: String,
    sample_n: i64,
    reviews_needed: i64,
    reviewers: String,
    done: i64,
    total: i64,
    waiting: i64,
}

impl TryFrom<QueueRow> for Queue {
    type Error = sqlx::Error;

    fn try_from(r: QueueRow) -> Result<Self, Self::Error> {
        let sampling = Sampling::parse(&r.sampling, r.sample_n).ok_or_else(|| {
            crate::server::store::decode(format!("a sampling rule {} {}", r.sampling, r.sample_n))
        })?;
        Ok(Queue {
            id: r.id,
            name: r.name,
            query: r.query,
            sampling,
            reviews_needed: r.reviews_needed,
            reviewers: r.reviewers.lines().map(str::to_string).collect(),
            done: r.done,
            total: r.total,
            waiting_for_you: r.waiting,
        })
    }
}

/// Whether an offered call `c` has its reviews (as SQL on `c` and `q`).
const REVIEWED_ENOUGH: &str = "(SELECT count(*) FROM reviews r
     WHERE r.call_id = c.call_id AND r.reviewed_at IS NOT NULL) >= q.reviews_needed";
/// Whether the reader (`$1`) reviewed `c`.
const REVIEWED_BY_YOU: &str = "EXISTS (SELECT 1 FROM reviews r
     WHERE r.call_id = c.call_id AND r.reviewer_id = $1 AND r.reviewed_at IS NOT NULL)";

/// A number per queue and call that does not change, for `Percent`.
fn stable_hash(queue_id: i64, call_id: &str) -> u64 {
    let digest = Sha256::digest(format!("{queue_id}\n{call_id}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

portable! {
    /// Adds a queue; `None` when the name is taken.
    pub async fn create_queue(&self, queue: &NewQueue, created_by: i64) -> Result<Option<i64>, sqlx::Error> {
        let (kind, n) = queue.sampling.parts();
        sqlx::query_scalar(
            "INSERT INTO review_queues (name, query, sampling, sample_n, reviews_needed, reviewers, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (name) DO NOTHING RETURNING id",
        )
        .bind(&queue.name)
        .bind(&queue.query)
        .bind(kind)
        .bind(n)
        .bind(queue.reviews_needed)
        .bind(queue.reviewers.join("\n"))
        .bind(created_by)
        .bind(now_ms())
        .fetch_optional(&mut *self.write_turn().await?)
        .await
    }

    pub async fn delete_queue(&self, id: i64) -> Result<bool, sqlx::Error> {
        let mut conn = self.write_turn().await?;
        let mut tx = Self::begin_write(&mut conn).await?;
        sqlx::query("DELETE FROM review_queue_calls WHERE queue_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query("DELETE FROM review_queues WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Every queue by name, with its progress and what waits for `reader`.
    pub async fn queues(&self, reader: i64) -> Result<Vec<Queue>, sqlx::Error> {
        let rows: Vec<QueueRow> = sqlx::query_as(&format!(
            "SELECT q.id, q.name, q.query, q.sampling, q.sample_n, q.reviews_needed, q.reviewers,
                (SELECT count(*) FROM review_queue_calls c
                  WHERE c.queue_id = q.id AND c.picked = TRUE AND {REVIEWED_ENOUGH}) AS done,
                (SELECT count(*) FROM review_queue_calls c
                  WHERE c.queue_id = q.id AND c.picked = TRUE) AS total,
                (SELECT count(*) FROM review_queue_calls c
                  WHERE c.queue_id = q.id AND c.picked = TRUE
                    AND NOT {REVIEWED_ENOUGH} AND NOT {REVIEWED_BY_YOU}) AS waiting
             FROM review_queues q ORDER BY q.name"
        ))
        .bind(reader)
        .fetch_all(self.reader())
        .await?;
        rows.into_iter().map(Queue::try_from).collect()
    }

    /// The query, rule and reviewers of queue `id`.
    pub async fn queue_rule(&self, id: i64) -> Result<Option<QueueRule>, sqlx::Error> {
        let row: Option<(String, String, i64, String)> = sqlx::query_as(
            "SELECT query, sampling, sample_n, reviewers FROM review_queues WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.reader())
        .await?;
        row.map(|(query, kind, n, reviewers)| {
            let sampling = Sampling::parse(&kind, n)
                .ok_or_else(|| crate::server::store::decode(format!("a sampling rule {kind} {n}")))?;
            Ok(QueueRule {
                query,
                sampling,
                reviewers: reviewers.lines().map(str::to_string).collect(),
            })
        })
        .transpose()
    }

    /// Looks at the ended calls `query` finds that queue `id` has not
    /// looked at yet, oldest first, and offers those its rule picks;
    /// returns how many it looked at.
    pub async fn fill_queue(&self, id: i64, query: &Query, sampling: Sampling, at: SearchAt) -> Result<i64, sqlx::Error> {
        let mut looked = 0;
        loop {
            let mut conn = self.write_turn().await?;
            let mut tx = Self::begin_write(&mut conn).await?;
            // One filler per queue at a time (a row lock on PostgreSQL; on
            // SQLite the write transaction is alone already), and the calls
            // found inside it, so two "Next call"s cannot place one call twice.
            sqlx::query("UPDATE review_queues SET name = name WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let mut sql = QueryBuilder::<<Self as Dialect>::Db>::new(
                "SELECT call_id, started_at FROM calls WHERE status <> 'live'
                 AND call_id NOT IN (SELECT call_id FROM review_queue_calls WHERE queue_id = ",
            );
            sql.push_bind(id).push(")");
            Self::selects(&mut sql, query, at);
            sql.push(" ORDER BY started_at, call_id LIMIT ").push_bind(STEP);
            let found: Vec<(String, i64)> = sql.build_query_as().fetch_all(&mut *tx).await?;
            if found.is_empty() {
                // Ended now: a dropped transaction would hold the write lock
                // (on PostgreSQL) until its connection's next use.
                tx.commit().await?;
                return Ok(looked);
            }
            let mut position: i64 = sqlx::query_scalar(
                "SELECT coalesce(max(position), 0) FROM review_queue_calls WHERE queue_id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            let per_day: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT day, count(*) FROM review_queue_calls WHERE queue_id = $1 AND picked = TRUE GROUP BY day",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
            let mut per_day: HashMap<i64, i64> = per_day.into_iter().collect();
            for (call_id, started_at) in &found {
                position += 1;
                let day = started_at.div_euclid(DAY_MS);
                let that_day = per_day.entry(day).or_default();
                let picked = sampling.picks(position, *that_day, stable_hash(id, call_id));
                if picked {
                    *that_day += 1;
                }
                sqlx::query(
                    "INSERT INTO review_queue_calls (queue_id, call_id, position, picked, day)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(call_id)
                .bind(position)
                .bind(picked)
                .bind(day)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            looked += found.len() as i64;
            if (found.len() as i64) < STEP {
                return Ok(looked);
            }
        }
    }

    /// The first call queue `id` offers that still needs reviews and that
    /// `reader` has not reviewed.
    pub async fn next_in_queue(&self, id: i64, reader: i64) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar(&format!(
            "SELECT c.call_id FROM review_queue_calls c JOIN review_queues q ON q.id = c.queue_id
             WHERE c.queue_id = $2 AND c.picked = TRUE AND NOT {REVIEWED_ENOUGH} AND NOT {REVIEWED_BY_YOU}
             ORDER BY c.position LIMIT 1"
        ))
        .bind(reader)
        .bind(id)
        .fetch_optional(self.reader())
        .await
    }
}
