//! The `calls` read model: kept current inside each event's transaction, read
//! by the calls list and the live streams.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sqlx::{QueryBuilder, Sqlite, Transaction};

use super::Store;
use crate::model::{CallSummary, TimelineItem};

const COLUMNS: &str = "call_id, source, status, started_at, ended_at, last_event_at, last_event_id,
    ended_by, end_reason, summary, recording_url, duration_ms, last_speaker, last_spoke_at, n_events, n_messages,
    n_tool_calls, n_tool_errors, n_hangs, n_interruptions, n_transfers";

/// The writer's copy of recently written call rows, so folding an event in
/// costs one statement, not two. Only the writer adds to `calls`; it drops
/// the cache whenever a transaction fails or retention removed rows.
pub(super) struct CallCache(HashMap<String, CallSummary>, CallsRemoved, u64);

/// Counts transactions of retention that deleted or changed call rows.
#[derive(Clone, Default)]
pub(super) struct CallsRemoved(Arc<AtomicU64>);

impl CallsRemoved {
    pub(super) fn mark(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    fn count(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl CallCache {
    /// Rows kept before the cache starts over.
    const LIMIT: usize = 10_000;

    pub(super) fn new(removed: &CallsRemoved) -> Self {
        CallCache(HashMap::new(), removed.clone(), removed.count())
    }

    pub(super) fn clear(&mut self) {
        self.0.clear();
    }

    /// Drops every cached row when retention changed `calls` since the last
    /// look (call with the write lock held).
    pub(super) fn forget_removed(&mut self) {
        let now = self.1.count();
        if now != self.2 {
            self.0.clear();
            self.2 = now;
        }
    }
}

/// Folds a newly stored event into its call's row and returns the new summary.
pub(super) async fn apply_event(
    tx: &mut Transaction<'_, Sqlite>,
    cache: &mut CallCache,
    source: &str,
    item: &TimelineItem,
) -> Result<CallSummary, sqlx::Error> {
    let current = match cache.0.remove(&item.call_id) {
        Some(call) => Some(call),
        None => {
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM calls WHERE call_id = ?"))
                .bind(&item.call_id)
                .fetch_optional(&mut **tx)
                .await?
        }
    };
    let call = match current {
        Some(mut call) => {
            call.apply(item);
            call
        }
        None => CallSummary::new(source, item),
    };
    let mut q = QueryBuilder::<Sqlite>::new(format!("INSERT OR REPLACE INTO calls ({COLUMNS}) "));
    q.push_values([&call], |mut row, c| {
        row.push_bind(&c.call_id)
            .push_bind(&c.source)
            .push_bind(c.status.as_str())
            .push_bind(c.started_at)
            .push_bind(c.ended_at)
            .push_bind(c.last_event_at)
            .push_bind(c.last_event_id)
            .push_bind(&c.ended_by)
            .push_bind(&c.end_reason)
            .push_bind(&c.summary)
            .push_bind(&c.recording_url)
            .push_bind(c.duration_ms)
            .push_bind(&c.last_speaker)
            .push_bind(c.last_spoke_at)
            .push_bind(c.n_events)
            .push_bind(c.n_messages)
            .push_bind(c.n_tool_calls)
            .push_bind(c.n_tool_errors)
            .push_bind(c.n_hangs)
            .push_bind(c.n_interruptions)
            .push_bind(c.n_transfers);
    });
    q.build().execute(&mut **tx).await?;
    if cache.0.len() >= CallCache::LIMIT {
        cache.0.clear();
    }
    cache.0.insert(call.call_id.clone(), call.clone());
    Ok(call)
}

impl Store {
    pub async fn call(&self, call_id: &str) -> Result<Option<CallSummary>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM calls WHERE call_id = ?"))
            .bind(call_id)
            .fetch_optional(&self.read)
            .await
    }

    /// Calls still in progress, newest first.
    pub async fn live_calls(&self) -> Result<Vec<CallSummary>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM calls WHERE status = 'live' ORDER BY started_at DESC, call_id LIMIT 500"
        ))
        .fetch_all(&self.read)
        .await
    }

    /// One page of finished calls, newest first; `limit + 1` rows are asked for
    /// so the caller knows whether there is a next page.
    pub async fn past_calls(
        &self,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<CallSummary>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM calls WHERE status != 'live'
             ORDER BY started_at DESC, call_id LIMIT ? OFFSET ?"
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.read)
        .await
    }

    /// Calls changed by events after `after_event_id`, in the order they changed:
    /// what a reconnecting calls list missed.
    pub async fn calls_changed_after(
        &self,
        after_event_id: i64,
        limit: i64,
    ) -> Result<Vec<CallSummary>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM calls WHERE last_event_id > ? ORDER BY last_event_id LIMIT ?"
        ))
        .bind(after_event_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await
    }

    /// The newest event id stored: where a live stream starts.
    pub async fn latest_event_id(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
            .fetch_one(&self.read)
            .await
    }
}
