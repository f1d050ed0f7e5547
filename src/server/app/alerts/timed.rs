//! The rules checked on a clock: a live call gone quiet (`stuck-call`),
//! refused webhook deliveries piling up (`webhook-auth-failures`), no
//! accepted delivery for a while (`webhook-silence`), and too large a share
//! of recent calls with a problem (`rate`, every [`RATE_EVERY_MS`]).
//! Deliveries are followed by id, so each check reads only what is new.

use std::collections::{HashMap, VecDeque};

use crate::model::rates::{self, Rated};
use crate::model::{format, normal_endings, RuleSpec};
use crate::server::store;
use crate::server::store::effects::Hit;
use crate::server::store::prelude::*;
use crate::server::store::rules::Rule;
use crate::server::store::Store;

/// Refused deliveries remembered (their arrival times), at most.
const REMEMBERED: usize = 100_000;
/// The longest window a `webhook-auth-failures` rule may count over.
const LONGEST_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;
/// How often a `rate` rule looks at the recent calls.
pub const RATE_EVERY_MS: i64 = 15_000;
/// The one alert of a `rate` rule: it opens, counts, and resolves itself.
pub const RATE_KEY: &str = "rate";
/// Calls a `rate` rule reads at most per check.
const RATED_CALLS: i64 = 10_000;

pub struct Timed {
    last_delivery: i64,
    refused: VecDeque<i64>,
    last_accepted: i64,
    /// When each `rate` rule was last checked.
    rated_at: HashMap<i64, i64>,
}

/// What a check found: hits to record, and how many alerts it resolved.
#[derive(Default)]
pub struct Checked {
    pub hits: Vec<Hit>,
    pub resolved: u64,
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
            rated_at: HashMap::new(),
        }
    }

    /// Hits of the timed `rules` at `now`.
    pub async fn check(
        &mut self,
        store: &Store,
        rules: &[Rule],
        now: i64,
    ) -> Result<Checked, store::Error> {
        self.follow(store, now).await?;
        let mut hits = Vec::new();
        let mut resolved = 0;
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
                RuleSpec::Rate { .. } => {
                    let due = self
                        .rated_at
                        .get(&rule.id)
                        .is_none_or(|at| now - at >= RATE_EVERY_MS);
                    if due {
                        self.rated_at.insert(rule.id, now);
                        match rate(store, rule, now).await? {
                            Some(hit) => hits.push(hit),
                            None => {
                                resolved += store.resolve_standing(rule.id, RATE_KEY, now).await?
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(Checked { hits, resolved })
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

/// A `rate` rule's hit when the recent calls cross its line; `None` when
/// they do not (its alert, if one stands, then resolves).
async fn rate(store: &Store, rule: &Rule, now: i64) -> Result<Option<Hit>, store::Error> {
    let RuleSpec::Rate {
        of,
        percent,
        minutes,
        min_calls,
        seconds,
        severity,
    } = &rule.spec
    else {
        return Ok(None);
    };
    let since = now - i64::from(*minutes).max(1) * 60_000;
    let calls = store.calls_active_since(since, RATED_CALLS).await?;
    let latencies = match of {
        rates::RateOf::SlowAnswer => {
            let ids: Vec<&str> = calls.iter().map(|c| c.call_id.as_str()).collect();
            store.call_metrics(&ids).await?
        }
        _ => HashMap::new(),
    };
    let rated: Vec<Rated> = calls
        .iter()
        .map(|call| Rated {
            call,
            latency_p50_ms: latencies
                .get(&call.call_id)
                .and_then(|m| m.latency.value.as_ref())
                .map(|l| l.p50_ms),
        })
        .collect();
    let (matching, total) = rates::share(&rated, *of, *seconds, &normal_endings());
    if !rates::crossed(matching, total, *percent, *min_calls) {
        return Ok(None);
    }
    let reason = format!(
        "{}: {}% of the calls of the last {minutes} min {} ({matching} of {total})",
        severity.label(),
        u64::from(matching) * 100 / u64::from(total.max(1)),
        of.had(*seconds),
    );
    Ok(Some(rule.hit(
        RATE_KEY.to_string(),
        None,
        None,
        reason,
        Some(i64::from(matching)),
    )))
}
