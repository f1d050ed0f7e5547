//! The effects runner: follows two cursors over committed events — one
//! evaluates every enabled rule on each, the other queues forwards for the
//! destinations whose filter an event passes — and records what each pass
//! caused with its cursor's new position in one transaction. It never slows
//! a webhook's answer: it runs beside the writer, woken by each commit.

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use super::condition::Compiled;
use super::cursor::Cursor;
use super::evaluate::{on_event, Needs};
use super::filter::Filter;
use super::tally::Tally;
use super::timed::Timed;
use super::AlertHub;
use crate::model::{RuleSpec, TimelineItem};
use crate::server::app::live::Hub;
use crate::server::store;
use crate::server::store::effects::{Effects, Forward, EFFECTS, FORWARDS};
use crate::server::store::prelude::*;
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
/// The same while ingest is saturated: fewer, larger transactions (each of
/// which the writer waits for), still short enough for alerts to notify
/// within a quarter second at 1,000 events/s.
const GATHER_SATURATED: Duration = Duration::from_millis(200);

/// A rule ready to evaluate.
struct Loaded {
    rule: Rule,
    condition: Option<Compiled>,
}

pub struct Runner {
    store: Store,
    alerts: AlertHub,
    timed: Timed,
    /// How far the rules have gone.
    rules: Cursor,
    /// How far forwards have been queued: while ingest is saturated this
    /// waits (acknowledging events comes first; the rules do not wait).
    forwards: Cursor,
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
            tracing::warn!(error = %e, "could not store the alert cursors at shutdown");
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
            rules: Cursor::new(EFFECTS),
            forwards: Cursor::new(FORWARDS),
            tally: Tally::default(),
        }
    }

    /// Writes the cursors' positions held in memory only.
    pub async fn persist(&mut self) -> Result<(), store::Error> {
        for cursor in [&mut self.rules, &mut self.forwards] {
            if let Some(position) = cursor.unwritten() {
                let effects = Effects {
                    cursor: Some((cursor.name, position)),
                    ..Effects::default()
                };
                self.store.apply_effects(&effects, now_ms()).await?;
                cursor.moved(position, true);
            }
        }
        Ok(())
    }

    /// Handles every committed event the cursors have not reached yet:
    /// the rules always, forwards unless ingest is saturated (they are
    /// queued once the burst is over; their cursor holds their place).
    /// While both cursors stand together, as they do unless a burst held
    /// forwards back, each batch of events is read once for both.
    pub async fn catch_up(&mut self) -> Result<(), store::Error> {
        loop {
            let rules = self.event_rules().await?;
            let filters = Filter::load(&self.store).await?;
            let rules_read_raw = rules.iter().any(|r| r.condition.is_some());
            let forwards_read_raw = filters.iter().any(Filter::reads_raw);
            let rules_at = self.rules.position(&self.store).await?;
            let events = self
                .events_after(rules_at, rules_read_raw || forwards_read_raw)
                .await?;
            let mut more = events.len() == BATCH as usize;
            self.rule_pass(&rules, &events).await?;
            if !self.store.writer().saturated() {
                let forwards_at = self.forwards.position(&self.store).await?;
                if forwards_at == rules_at {
                    self.forward_pass(&filters, &events).await?;
                } else {
                    let behind = self.events_after(forwards_at, forwards_read_raw).await?;
                    more |= behind.len() == BATCH as usize;
                    self.forward_pass(&filters, &behind).await?;
                }
            }
            if !more {
                return Ok(());
            }
        }
    }

    /// A batch of committed events after `position`; their stored bodies
    /// only when a condition reads them (most rules look at what calltrail
    /// understood, and the bodies are most of what a read moves).
    async fn events_after(
        &self,
        position: i64,
        raw: bool,
    ) -> Result<Vec<TimelineItem>, store::Error> {
        if raw {
            self.store.events_since(position, BATCH).await
        } else {
            self.store
                .events_after_without_bodies(None, position, BATCH)
                .await
        }
    }

    /// Evaluates the rules on a batch of events after their cursor. On a
    /// failure the batch is read again from the cursor, so the counts it
    /// took in are dropped (they are read back from the database).
    async fn rule_pass(
        &mut self,
        rules: &[Loaded],
        events: &[TimelineItem],
    ) -> Result<(), store::Error> {
        let passed = self.rule_pass_once(rules, events).await;
        if passed.is_err() {
            self.tally = Tally::default();
        }
        passed
    }

    async fn rule_pass_once(
        &mut self,
        rules: &[Loaded],
        events: &[TimelineItem],
    ) -> Result<(), store::Error> {
        let Some(last) = events.last().map(|e| e.id) else {
            return Ok(());
        };
        let specs: Vec<&RuleSpec> = rules.iter().map(|r| &r.rule.spec).collect();
        let needs_body = rules
            .iter()
            .any(|r| r.condition.as_ref().is_some_and(Compiled::needs_body));
        let mut effects = Effects {
            cursor: Some((EFFECTS, last)),
            ..Effects::default()
        };
        for item in events {
            let body = body_of(item, needs_body);
            let needs = Needs::of(&specs, &item.detail);
            let facts = self.tally.facts(&self.store, needs, item).await?;
            for loaded in rules {
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
        }
        let write = self.rules.must_write(!effects.hits.is_empty());
        if write {
            self.record(&effects, now_ms()).await?;
        }
        self.rules.moved(last, write);
        Ok(())
    }

    /// Queues each of a batch of events after the forwards' cursor for the
    /// destinations whose filter it passes.
    async fn forward_pass(
        &mut self,
        filters: &[Filter],
        events: &[TimelineItem],
    ) -> Result<(), store::Error> {
        let Some(last) = events.last().map(|e| e.id) else {
            return Ok(());
        };
        let needs_body = filters.iter().any(Filter::needs_body);
        let mut effects = Effects {
            cursor: Some((FORWARDS, last)),
            ..Effects::default()
        };
        for item in events {
            let body = body_of(item, needs_body);
            for filter in filters.iter().filter(|f| f.passes(item, &body)) {
                effects.forwards.push(Forward {
                    destination_id: filter.destination.id,
                    event_id: item.id,
                    call_id: item.call_id.clone(),
                });
            }
        }
        let write = self.forwards.must_write(!effects.forwards.is_empty());
        if write {
            self.record(&effects, now_ms()).await?;
        }
        self.forwards.moved(last, write);
        Ok(())
    }

    /// Checks the rules that run on the clock.
    pub async fn timed_pass(&mut self) -> Result<(), store::Error> {
        self.timed_pass_at(now_ms()).await
    }

    /// As [`Runner::timed_pass`], as if it were `now` (tests move the clock).
    pub async fn timed_pass_at(&mut self, now: i64) -> Result<(), store::Error> {
        let rules: Vec<Rule> = self
            .store
            .rules()
            .await?
            .into_iter()
            .filter(|r| r.enabled && r.spec.is_timed())
            .collect();
        let checked = self.timed.check(&self.store, &rules, now).await?;
        let hits = checked.hits;
        let woke = self.store.wake_snoozed(now).await? + checked.resolved;
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
    /// Once they are stored (with the cursor) the pass is done: pages that
    /// miss the news read it on their next load, and the events are never
    /// evaluated twice.
    async fn record(&self, effects: &Effects, now: i64) -> Result<usize, store::Error> {
        let opened = self.store.apply_effects(effects, now).await?;
        if !effects.forwards.is_empty() || !opened.is_empty() {
            self.alerts.outbox.notify_one();
        }
        if !opened.is_empty() {
            if let Err(e) = self.alerts.announce(&self.store, &opened).await {
                tracing::warn!(error = %e, "could not tell open pages about new alerts");
            }
        }
        Ok(opened.len())
    }

    async fn event_rules(&self) -> Result<Vec<Loaded>, store::Error> {
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

/// The event's body as JSON, when a condition looks into it.
fn body_of(item: &TimelineItem, needed: bool) -> Value {
    if needed {
        serde_json::from_str(&item.raw).unwrap_or(Value::Null)
    } else {
        Value::Null
    }
}
