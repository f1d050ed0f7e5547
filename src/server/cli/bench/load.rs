//! The load: workers that each post one long simulated call's events, as
//! fast as they can or at a set pace, and SSE clients that watch those calls.

use std::time::{Duration, Instant};

use futures::StreamExt;
use rand::rngs::StdRng;
use rand::SeedableRng;
use tokio::sync::watch;

use crate::server::cli::simulate::scenario;
use crate::server::store::now_ms;

/// One worker's realistic event bodies for `call_id`, repeated as needed.
pub fn bodies(call_id: &str, seed: u64) -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let started = now_ms();
    scenario::call(&mut rng)
        .into_iter()
        .map(|(at, mut body)| {
            scenario::stamp(&mut body, call_id, started, at);
            body.to_string()
        })
        .collect()
}

/// What one worker saw.
#[derive(Debug, Default)]
pub struct Sent {
    /// (event id, when its request was due) for each accepted event.
    pub accepted: Vec<(i64, Instant)>,
    /// From when each request was due: a paced request delayed by an
    /// earlier slow one counts that delay (no coordinated omission).
    pub ack_latency: Vec<Duration>,
    /// From when each request was actually sent.
    pub service_latency: Vec<Duration>,
    pub duplicates: u64,
    pub failed: u64,
}

pub struct Worker {
    pub client: reqwest::Client,
    pub url: String,
    pub token: String,
    pub bodies: Vec<String>,
    /// Unique per worker and phase; with a counter it makes each `webhook-id`.
    pub label: String,
    /// Time between sends; none = as fast as answers come.
    pub pace: Option<Duration>,
}

impl Worker {
    pub async fn run(self, until: Instant) -> Sent {
        let mut sent = Sent::default();
        let mut due = Instant::now();
        let mut n = 0usize;
        while Instant::now() < until {
            let scheduled = match self.pace {
                Some(pace) => {
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        tokio::time::sleep(wait).await;
                    }
                    due += pace;
                    due - pace
                }
                None => Instant::now(),
            };
            let body = self.bodies[n % self.bodies.len()].clone();
            let started = Instant::now();
            let response = self
                .client
                .post(&self.url)
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {}", self.token))
                .header("webhook-id", format!("{}-{n}", self.label))
                .body(body)
                .send()
                .await;
            n += 1;
            let answer = match response {
                Ok(r) if r.status().is_success() => r.bytes().await.ok(),
                _ => None,
            };
            sent.ack_latency.push(scheduled.elapsed());
            sent.service_latency.push(started.elapsed());
            let Some(answer) = answer else {
                sent.failed += 1;
                continue;
            };
            let json: serde_json::Value = serde_json::from_slice(&answer).unwrap_or_default();
            match (json["status"].as_str(), json["event_id"].as_i64()) {
                (Some("accepted"), Some(id)) => sent.accepted.push((id, scheduled)),
                (Some("duplicate"), _) => sent.duplicates += 1,
                // The no-op route answers without an event.
                _ => {}
            }
        }
        sent
    }
}

/// Follows one call's SSE stream until `stop`; returns (event id, arrival).
pub async fn watch_call(
    client: reqwest::Client,
    url: String,
    cookie: String,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<Vec<(i64, Instant)>> {
    let response = client
        .get(&url)
        .header("cookie", cookie)
        .send()
        .await?
        .error_for_status()?;
    let mut stream = response.bytes_stream();
    let mut seen = Vec::new();
    let mut pending = String::new();
    loop {
        let chunk = tokio::select! {
            chunk = stream.next() => chunk,
            _ = stop.wait_for(|s| *s) => break,
        };
        let Some(chunk) = chunk else { break };
        let arrived = Instant::now();
        pending.push_str(&String::from_utf8_lossy(&chunk?));
        while let Some(end) = pending.find('\n') {
            let line: String = pending.drain(..=end).collect();
            if let Some(id) = line.strip_prefix("id:").and_then(|v| v.trim().parse().ok()) {
                seen.push((id, arrived));
            }
        }
    }
    Ok(seen)
}
