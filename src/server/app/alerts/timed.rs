//! The rules checked on a clock: a live call gone quiet (`stuck-call`),
//! refused webhook deliveries piling up (`webhook-auth-failures`), and no
//! accepted delivery for a while (`webhook-silence`). Deliveries are
//! followed by id, so each check reads only what is new.

use std::collections::VecDeque;

use crate::model::{format, RuleSpec};
use crate::server::store;
use crate::server::store::effects::Hit;
use crate::server::store::prelude::*;
use crate::server::store::rules::Rule;
use crate::server::store::Store;

/// Refused deliveries remembered (their arrival times), at most.
const REMEMBERED: usize = 100_000;
/// The longest window a `webhook-auth-failures` rule may count over.
const LONGEST_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

pub struct Timed {
    last_delivery: i64,
    refused: VecDeque<i64>,
    last_accepted: i64,
}

impl Timed {
    /// Starts following deliveries from now; before the first accepted one,
    /// silence counts from `now` (the server's start).
    pub async fn start(store: &Store, now: i64) -> Self {
        let (last_delivery, last_accepted) = store.delivery_marks().await.unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot read the delivery log; webhook rules start empty");
            (0, None)
        });
        Timed {
            last_delivery,
            refused: VecDeque::new(),
            last_accepted: last_accepted.unwrap_or(now).max(now),
        }
    }

    /// Hits of the timed `rules` at `now`.
    pub async fn check(
        &mut self,
        store: &Store,
        rules: &[Rule],
        now: i64,
    ) -> Result<Vec<Hit>, store::Error> {
        self.follow(store, now).await?;
        let mut hits = Vec::new();
        for rule in rules {
            match &rule.spec {
                RuleSpec::StuckCall { seconds } => {
                    let quiet_ms = i64::from(*seconds) * 1000;
                    for (call_id, event_id, arrived) in
                        store.quiet_live_calls(now - quiet_ms).await?
                    {
                        let reason = format!(
                            "No event for {} (last one at {})",
                            format::duration(now - arrived),
                            format::datetime(arrived)
                        );
                        hits.push(rule.hit(
                            call_id.clone(),
                            Some(call_id),
                            Some(event_id),
                            reason,
                            None,
                        ));
                    }
                }
                RuleSpec::WebhookAuthFailures { count, minutes } => {
                    let window = i64::from(*minutes).max(1) * 60_000;
                    let since = now - window;
                    let refused = self.refused.iter().filter(|at| **at >= since).count() as i64;
                    if refused >= i64::from(*count) {
                        let reason = format!(
                            "{refused} refused webhook deliveries in the last {minutes} min"
                        );
                        let key = format!("window:{}", now - now.rem_euclid(window));
                        hits.push(rule.hit(key, None, None, reason, Some(refused)));
                    }
                }
                RuleSpec::WebhookSilence { minutes } => {
                    let silent = now - self.last_accepted;
                    if silent >= i64::from(*minutes) * 60_000 {
                        let reason = format!(
                            "No accepted webhook delivery for {} (since {})",
                            format::duration(silent),
                            format::datetime(self.last_accepted)
                        );
                        let key = format!("since:{}", self.last_accepted);
                        hits.push(rule.hit(key, None, None, reason, Some(1)));
                    }
                }
                _ => {}
            }
        }
        Ok(hits)
    }

    /// Reads deliveries logged since the last check.
    async fn follow(&mut self, store: &Store, now: i64) -> Result<(), store::Error> {
        loop {
            let rows = store.deliveries_after(self.last_delivery, 10_000).await?;
            let Some((last, _, _)) = rows.last() else {
                break;
            };
            self.last_delivery = *last;
            for (_, at, outcome) in &rows {
                match outcome.as_str() {
                    "rejected" => self.refused.push_back(*at),
                    "accepted" | "duplicate" => self.last_accepted = self.last_accepted.max(*at),
                    _ => {}
                }
            }
            if rows.len() < 10_000 {
                break;
            }
        }
        while self.refused.len() > REMEMBERED
            || self
                .refused
                .front()
                .is_some_and(|at| *at < now - LONGEST_WINDOW_MS)
        {
            self.refused.pop_front();
        }
        Ok(())
    }
}
