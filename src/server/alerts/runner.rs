//! The effects runner: follows the cursor over committed events, evaluates
//! every enabled rule on each, queues forwards for the destinations whose
//! filter an event passes, and records it all with the cursor's new position
//! in one transaction. It never slows a webhook's answer: it runs beside
//! the writer, woken by each commit.

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use super::condition::Compiled;
use super::evaluate::{on_event, Needs};
use super::filter::Filter;
use super::tally::Tally;
use super::timed::Timed;
use super::AlertHub;
use crate::model::RuleSpec;
use crate::server::live::Hub;
use crate::server::store::effects::{Effects, Forward, EFFECTS};
use crate::server::store::rules::Rule;
use crate::server::store::{now_ms, Store};

/// Events read per pass.
const BATCH: i64 = 1000;
/// The clock of the timed rules, and the longest a pass waits for a commit.
const TICK: Duration = Duration::from_secs(1);
/// The shortest time between two passes: under load, a pass takes what
/// committed meanwhile, so its effects are written in one transaction
/// (and the writer gives up its turn less often).
const GATHER: Duration = Duration::from_millis(40);
/// The same while ingest is saturated: fewer, larger transactions.
const GATHER_SATURATED: Duration = Duration::from_millis(200);
/// A pass that caused nothing moves the cursor in memory only; it is
/// written at least this often (re-reading such events after a crash finds
/// nothing again).
const PERSIST_EVERY: Duration = Duration::from_secs(5);

/// A rule ready to evaluate.
struct Loaded {
    rule: Rule,
    condition: Option<Compiled>,
}

pub struct Runner {
    store: Store,
    alerts: AlertHub,
    timed: Timed,
    /// The last event handled (`None` until the stored cursor is read).
    position: Option<i64>,
    /// The cursor as stored, and when it was written.
    stored: i64,
    persisted: Instant,
    tally: Tally,
}

/// Starts the runner; it stops when `stopping` turns true.
pub fn spawn(
    store: Store,
    hub: &Hub,
    alerts: AlertHub,
    mut stopping: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let mut commits = hub.subscribe();
    tokio::spawn(async move {
        let mut runner = Runner::new(store, alerts).await;
        let mut clock = tokio::time::interval(TICK);
        let mut last_pass = Instant::now();
        loop {
            tokio::select! {
                _ = async { let _ = stopping.wait_for(|stop| *stop).await; } => break,
                _ = clock.tick() => {
                    if let Err(e) = runner.timed_pass().await {
                        tracing::error!(error = %e, "timed alert rules failed; retrying");
                    }
                }
                received = commits.recv() => {
                    if matches!(received, Err(broadcast::error::RecvError::Closed)) {
                        break;
                    }
                    let gather = if runner.store.writer().saturated() { GATHER_SATURATED } else { GATHER };
                    if let Some(wait) = gather.checked_sub(last_pass.elapsed()) {
                        tokio::time::sleep(wait).await;
                    }
                    // Whatever else committed meanwhile is read in the same pass.
                    while commits.try_recv().is_ok() {}
                }
            }
            last_pass = Instant::now();
            if let Err(e) = runner.catch_up().await {
                tracing::error!(error = %e, "evaluating alert rules failed; retrying");
            }
        }
        if let Err(e) = runner.persist().await {
            tracing::warn!(error = %e, "could not store the alert cursor at shutdown");
        }
    })
}

impl Runner {
    pub async fn new(store: Store, alerts: AlertHub) -> Self {
        let timed = Timed::start(&store, now_ms()).await;
        Runner {
            store,
            alerts,
            timed,
            position: None,
            stored: 0,
            persisted: Instant::now(),
            tally: Tally::default(),
        }
    }

    /// Writes the in-memory cursor position, if it is ahead.
    pub async fn persist(&mut self) -> Result<(), sqlx::Error> {
        if let Some(position) = self.position.filter(|p| *p > self.stored) {
            let effects = Effects {
                cursor: Some(position),
                ..Effects::default()
            };
            self.store.apply_effects(&effects, now_ms()).await?;
            self.stored = position;
            self.persisted = Instant::now();
        }
        Ok(())
    }

    /// Handles every committed event the cursor has not reached yet.
    pub async fn catch_up(&mut self) -> Result<(), sqlx::Error> {
        while self.event_pass().await? == BATCH as usize {}
        Ok(())
    }

    /// One batch after the cursor; returns how many events it handled.
    pub async fn event_pass(&mut self) -> Result<usize, sqlx::Error> {
        let cursor = match self.position {
            Some(p) => p,
            None => {
                self.stored = self.store.cursor(EFFECTS).await?;
                self.stored
            }
        };
        let events = self.store.events_since(cursor, BATCH).await?;
        let Some(last) = events.last().map(|e| e.id) else {
            return Ok(0);
        };
        let rules = self.event_rules().await?;
        let filters = Filter::load(&self.store).await?;
        let specs: Vec<&RuleSpec> = rules.iter().map(|r| &r.rule.spec).collect();
        let needs_body = rules
            .iter()
            .any(|r| r.condition.as_ref().is_some_and(Compiled::needs_body))
            || filters.iter().any(Filter::needs_body);
        let mut effects = Effects {
            cursor: Some(last),
            ..Effects::default()
        };
        for item in &events {
            let body: Value = if needs_body {
                serde_json::from_str(&item.raw).unwrap_or(Value::Null)
            } else {
                Value::Null
            };
            let needs = Needs::of(&specs, &item.detail);
            let facts = self.tally.facts(&self.store, needs, item).await?;
            for loaded in &rules {
                if let Some(reason) = on_event(
                    &loaded.rule.spec,
                    loaded.condition.as_ref(),
                    item,
                    &body,
                    facts,
                ) {
                    effects.hits.push(loaded.rule.hit(
                        item.call_id.clone(),
                        Some(item.call_id.clone()),
                        Some(item.id),
                        reason,
                        None,
                    ));
                }
            }
            for filter in &filters {
                if filter.passes(item, &body) {
                    effects.forwards.push(Forward {
                        destination_id: filter.destination.id,
                        event_id: item.id,
                        call_id: item.call_id.clone(),
                    });
                }
            }
        }
        let quiet = effects.hits.is_empty() && effects.forwards.is_empty();
        if !quiet || self.persisted.elapsed() >= PERSIST_EVERY {
            self.record(&effects, now_ms()).await?;
            self.stored = last;
            self.persisted = Instant::now();
        }
        self.position = Some(last);
        Ok(events.len())
    }

    /// Checks the rules that run on the clock.
    pub async fn timed_pass(&mut self) -> Result<(), sqlx::Error> {
        self.timed_pass_at(now_ms()).await
    }

    /// As [`Runner::timed_pass`], as if it were `now` (tests move the clock).
    pub async fn timed_pass_at(&mut self, now: i64) -> Result<(), sqlx::Error> {
        let rules: Vec<Rule> = self
            .store
            .rules()
            .await?
            .into_iter()
            .filter(|r| r.enabled && r.spec.is_timed())
            .collect();
        let hits = self.timed.check(&self.store, &rules, now).await?;
        let woke = self.store.wake_snoozed(now).await?;
        let opened = self
            .record(
                &Effects {
                    hits,
                    ..Effects::default()
                },
                now,
            )
            .await?;
        if woke > 0 && opened == 0 {
            self.alerts.announce(&self.store, &[]).await?;
        }
        Ok(())
    }

    /// Stores a pass's effects, then wakes the outbox and tells open pages.
    async fn record(&self, effects: &Effects, now: i64) -> Result<usize, sqlx::Error> {
        let opened = self.store.apply_effects(effects, now).await?;
        if !effects.forwards.is_empty() || !opened.is_empty() {
            self.alerts.outbox.notify_one();
        }
        if !opened.is_empty() {
            self.alerts.announce(&self.store, &opened).await?;
        }
        Ok(opened.len())
    }

    async fn event_rules(&self) -> Result<Vec<Loaded>, sqlx::Error> {
        let mut loaded = Vec::new();
        for rule in self.store.rules().await? {
            if !rule.enabled || rule.spec.is_timed() {
                continue;
            }
            let condition = match rule.spec.condition().as_ref().map(Compiled::new) {
                Some(Err(e)) => {
                    tracing::warn!(rule = %rule.name, error = %e, "skipping a rule");
                    continue;
                }
                Some(Ok(c)) => Some(c),
                None => None,
            };
            loaded.push(Loaded { rule, condition });
        }
        Ok(loaded)
    }
}
