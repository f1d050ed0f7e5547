//! `calltrail simulate --from FILE`: sends a call exported as a fixture
//! again, delivery by delivery, paced as it first arrived (scaled by
//! `--speed`), to the webhook of the platform that sent it. Replayed into a
//! server that already has the call, each delivery is recognised as a
//! duplicate (and said to be).

use std::path::Path;
use std::time::Instant;

use anyhow::{anyhow, bail, Context};

use super::{client, deliver, paced, target, Tally, Target};
use crate::server::config::SimulateConfig;
use crate::server::http::fixture::{self, Fixture};

pub async fn run(config: &SimulateConfig, file: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading the fixture {}", file.display()))?;
    let fixture = fixture::read(&text).map_err(|e| anyhow!("{}: {e}", file.display()))?;
    let target = target(config, fixture.platform)?;
    println!(
        "replaying call {} ({} deliveries from {}) against {} at speed {}",
        fixture.header.call_id,
        fixture.deliveries.len(),
        fixture.header.source,
        target.url,
        config.speed
    );
    let started = Instant::now();
    let tally = send(&client()?, &target, &fixture, config.speed).await;
    println!(
        "sent {} deliveries in {:.1} s: {} accepted, {} duplicate, {} failed",
        tally.sent(),
        started.elapsed().as_secs_f64(),
        tally.accepted,
        tally.duplicate,
        tally.failed
    );
    if tally.failed > 0 {
        bail!("{} deliver(ies) were not accepted", tally.failed);
    }
    Ok(())
}

/// Sends the fixture's deliveries in order, each at its time × 1/`speed`.
pub async fn send(
    client: &reqwest::Client,
    target: &Target,
    fixture: &Fixture,
    speed: f64,
) -> Tally {
    let clock = Instant::now();
    let mut tally = Tally::default();
    for delivery in &fixture.deliveries {
        if let Some(wait) = paced(delivery.at_ms as f64, speed).checked_sub(clock.elapsed()) {
            tokio::time::sleep(wait).await;
        }
        let said = deliver(
            client,
            target,
            delivery.body.clone(),
            &fixture.header.call_id,
        )
        .await;
        tally.add(said);
    }
    tally
}
