//! The outbox worker: takes due rows (the oldest pending row of each call per
//! destination, so each call's events arrive in order), sends many at once,
//! and records the attempts in batches — one transaction per batch, so a
//! busy outbox takes the database's write turn a few times a second, not
//! once per message.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch, Notify};
use tokio::task::JoinHandle;

use super::send::Sender;
use crate::server::store::outbox::{Attempt, Next};
use crate::server::store::prelude::*;
use crate::server::store::{now_ms, Store};

/// Messages in flight at once.
const IN_FLIGHT: usize = 64;
/// While ingest is saturated, acknowledging events comes first: alert
/// notifications still go at once, forwards only in a trickle of this many
/// every [`TRICKLE_EVERY`] — they wait in the outbox (nothing is lost) and
/// catch up once the burst is over.
const TRICKLE: usize = 8;
const TRICKLE_EVERY: Duration = Duration::from_millis(500);
/// Attempts are written at most this often while messages are in flight.
const RECORD_EVERY: Duration = Duration::from_millis(50);
/// The longest the worker sleeps without looking at the outbox.
const IDLE_MS: i64 = 1000;
/// The shortest sleep between two looks.
const POLL_MS: i64 = 20;
/// The shortest time between two looks at the outbox while sends finish:
/// each look starts what the finished sends let go, many at once.
const LOOK_EVERY: Duration = Duration::from_millis(10);

/// Starts the worker; it stops when `stopping` turns true (attempts not yet
/// recorded then are made again after a restart: at least once).
pub fn spawn(
    store: Store,
    sender: Sender,
    wake: Arc<Notify>,
    stopping: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(Worker::new(store, sender).run(wake, stopping))
}

struct Worker {
    store: Store,
    sender: Sender,
    /// Being sent.
    busy: HashSet<i64>,
    /// Sent, not yet recorded.
    finished: Vec<Attempt>,
    last_record: Instant,
    /// When forwards last went while ingest was saturated.
    last_trickle: Instant,
    /// When the outbox was last looked at, and the earliest retry it saw.
    last_look: Instant,
    next_at: Option<i64>,
    /// Sends finished since the last look.
    look_owed: bool,
    done_tx: mpsc::Sender<Attempt>,
    done: mpsc::Receiver<Attempt>,
}

impl Worker {
    fn new(store: Store, sender: Sender) -> Self {
        let (done_tx, done) = mpsc::channel(IN_FLIGHT * 2);
        Worker {
            store,
            sender,
            busy: HashSet::new(),
            finished: Vec::new(),
            last_record: Instant::now(),
            last_trickle: Instant::now(),
            last_look: look_now(),
            next_at: None,
            look_owed: false,
            done_tx,
            done,
        }
    }

    async fn run(mut self, wake: Arc<Notify>, mut stopping: watch::Receiver<bool>) {
        loop {
            self.start_due().await;
            if !self.finished.is_empty()
                && (self.busy.is_empty() || self.last_record.elapsed() >= RECORD_EVERY)
            {
                self.record().await;
            }
            let wait = if self.look_owed {
                // Sends finished since the last look: what they let go starts
                // at the next look.
                Duration::ZERO
            } else if self.finished.is_empty() {
                self.until_due()
            } else {
                RECORD_EVERY.saturating_sub(self.last_record.elapsed())
            }
            .max(LOOK_EVERY.saturating_sub(self.last_look.elapsed()));
            tokio::select! {
                _ = async { let _ = stopping.wait_for(|stop| *stop).await; } => break,
                _ = wake.notified() => self.last_look = look_now(),
                _ = tokio::time::sleep(wait) => {}
                Some(first) = self.done.recv() => {
                    self.finish(first);
                    while let Ok(more) = self.done.try_recv() {
                        self.finish(more);
                    }
                }
            }
        }
        self.record().await;
    }

    fn finish(&mut self, attempt: Attempt) {
        self.look_owed = true;
        self.busy.remove(&attempt.outbox_id);
        self.finished.push(attempt);
    }

    /// Starts sending what may go now, up to the in-flight limit.
    async fn start_due(&mut self) {
        if self.last_look.elapsed() < LOOK_EVERY {
            return;
        }
        let forwards = if !self.store.writer().saturated() {
            IN_FLIGHT
        } else if self.last_trickle.elapsed() >= TRICKLE_EVERY {
            self.last_trickle = Instant::now();
            TRICKLE
        } else {
            0
        };
        let limit = IN_FLIGHT;
        // Whatever happens below, this is the look the finished sends asked for.
        self.look_owed = false;
        if self.busy.len() >= limit {
            return;
        }
        let excluded: Vec<i64> = self
            .busy
            .iter()
            .copied()
            .chain(self.finished.iter().map(|a| a.outbox_id))
            .collect();
        let delivered: Vec<i64> = self
            .finished
            .iter()
            .filter(|a| a.next == Next::Delivered)
            .map(|a| a.outbox_id)
            .collect();
        let room = (limit - self.busy.len()) as i64;
        self.last_look = Instant::now();
        let due = match self
            .store
            .due_outbox(
                now_ms(),
                room,
                forwards.min(room as usize) as i64,
                &excluded,
                &delivered,
            )
            .await
        {
            Ok(due) => due,
            Err(e) => {
                tracing::error!(error = %e, "reading the outbox failed; retrying");
                return;
            }
        };
        self.next_at = due.next_at;
        // Forwards held back while ingest is saturated go at the next
        // trickle (new notifications wake the worker sooner).
        if forwards < IN_FLIGHT {
            let trickle = now_ms()
                + TRICKLE_EVERY
                    .saturating_sub(self.last_trickle.elapsed())
                    .as_millis() as i64;
            self.next_at = Some(self.next_at.map_or(trickle, |at| at.min(trickle)));
        }
        for item in due.items {
            self.busy.insert(item.id);
            let sender = self.sender.clone();
            let done = self.done_tx.clone();
            tokio::spawn(async move {
                let _ = done.send(sender.deliver(&item).await).await;
            });
        }
    }

    async fn record(&mut self) {
        if self.finished.is_empty() {
            return;
        }
        // A retry may fall due before anything the last look saw.
        let retry = self
            .finished
            .iter()
            .filter_map(|a| match a.next {
                Next::RetryAt(at) => Some(at),
                _ => None,
            })
            .min();
        self.next_at = self.next_at.into_iter().chain(retry).min();
        match self.store.record_attempts(&self.finished).await {
            Ok(()) => self.finished.clear(),
            // Kept, and tried again with the next batch; a crash before then
            // sends these again: at least once.
            Err(e) => tracing::error!(error = %e, "recording send attempts failed"),
        }
        self.last_record = Instant::now();
    }

    /// How long until the next waiting row falls due (new rows wake the
    /// worker; so do sends finishing).
    fn until_due(&self) -> Duration {
        let ms = match self.next_at {
            Some(at) => (at - now_ms()).clamp(POLL_MS, IDLE_MS),
            None => IDLE_MS,
        };
        Duration::from_millis(ms as u64)
    }
}

/// A `last_look` that lets the next look happen at once.
fn look_now() -> Instant {
    Instant::now()
        .checked_sub(LOOK_EVERY)
        .unwrap_or_else(Instant::now)
}
