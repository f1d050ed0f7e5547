//! `calltrail simulate`: sends realistic calls (Infer's, Vapi's, Retell's or
//! ElevenLabs' webhooks; LiveKit Agents' or Pipecat's traces) to calltrail,
//! paced in real time or faster, several at once, and reports what the
//! server said.

pub mod replay;
pub mod scenario;
pub mod traces;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use rand::rngs::StdRng;
use rand::SeedableRng;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::model::SAMPLE_PREFIX;
use crate::server::app::platforms::{sample, Platform, PlatformKeys, ALL, TRACERS};
use crate::server::app::webhook_auth::SigningKey;
use crate::server::config::SimulateConfig;
use crate::server::store::now_ms;
pub use traces::TraceTarget;

/// Where simulated events go, and the credentials they carry.
#[derive(Debug, Clone)]
pub struct Target {
    pub platform: Platform,
    pub url: String,
    /// Sent as `Authorization: Bearer`.
    pub token: Option<String>,
    /// Signs each Infer event the Standard Webhooks way.
    pub key: Option<SigningKey>,
    /// Vapi's secret header and Retell's signature, when set.
    pub platform_keys: PlatformKeys,
}

impl Target {
    fn post(&self, client: &reqwest::Client, body: String) -> reqwest::RequestBuilder {
        let mut request = client
            .post(&self.url)
            .header("content-type", "application/json");
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(sign) = self.platform.sign {
            for (name, value) in sign(&self.platform_keys, now_ms(), body.as_bytes()) {
                request = request.header(name, value);
            }
        }
        // A platform without a proof of its own is signed the Standard
        // Webhooks way, when a signing key is set.
        if let Some(key) = self.key.as_ref().filter(|_| self.platform.verify.is_none()) {
            let id = format!("msg_{:032x}", rand::random::<u128>());
            let at = now_ms() / 1000;
            request = request
                .header("webhook-signature", key.sign(&id, at, body.as_bytes()))
                .header("webhook-id", id)
                .header("webhook-timestamp", at.to_string());
        }
        request.body(body)
    }
}

/// The HTTP client events are sent with: `http://` and `https://` targets
/// (TLS by rustls with the Mozilla root certificates built in, so it needs no
/// system OpenSSL or certificate store).
pub fn client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .build()
        .context("building the HTTP client")
}

/// What the server answered, summed over calls.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub accepted: u64,
    pub duplicate: u64,
    pub failed: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.accepted += other.accepted;
        self.duplicate += other.duplicate;
        self.failed += other.failed;
    }

    fn sent(&self) -> u64 {
        self.accepted + self.duplicate + self.failed
    }
}

pub async fn run(config: SimulateConfig) -> anyhow::Result<()> {
    if config.calls == 0 || config.concurrency == 0 {
        bail!("--calls and --concurrency must be at least 1");
    }
    if !(config.speed >= 0.0 && config.speed.is_finite()) {
        bail!("--speed must be 0 (as fast as possible) or a positive number");
    }
    if let Some(file) = &config.from {
        return replay::run(&config, file).await;
    }
    let seed = config.seed.unwrap_or_else(rand::random);
    let sender = Arc::new(sender(&config)?);
    println!(
        "simulating {} {} call(s) against {} (concurrency {}, speed {}, seed {seed})",
        config.calls,
        sender.source(),
        sender.url(),
        config.concurrency,
        config.speed
    );
    let client = client()?;
    let slots = Arc::new(Semaphore::new(config.concurrency));
    let started = Instant::now();
    let mut calls = JoinSet::new();
    for i in 0..config.calls {
        let permit = slots
            .clone()
            .acquire_owned()
            .await
            .context("simulator stopped")?;
        let (client, sender, speed) = (client.clone(), sender.clone(), config.speed);
        let call_seed = seed.wrapping_add(i as u64);
        calls.spawn(async move {
            let tally = sender.send(&client, call_seed, speed).await;
            drop(permit);
            tally
        });
        if i + 1 < config.calls {
            tokio::time::sleep(paced(config.stagger * 1000.0, config.speed)).await;
        }
    }
    let mut total = Tally::default();
    while let Some(tally) = calls.join_next().await {
        total.add(tally.context("a simulated call panicked")?);
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "sent {} events in {secs:.1} s ({:.0}/s): {} accepted, {} duplicate, {} failed",
        total.sent(),
        total.sent() as f64 / secs.max(1e-9),
        total.accepted,
        total.duplicate,
        total.failed
    );
    if total.failed > 0 {
        bail!("{} event(s) were not accepted", total.failed);
    }
    Ok(())
}

/// What `simulate` sends: a platform's webhooks or a framework's traces.
#[derive(Clone)]
pub enum Sender {
    Webhooks(Target),
    Traces(TraceTarget),
}

impl Sender {
    /// Sends one call, as `seed` makes it, at `speed` × real time.
    pub async fn send(&self, client: &reqwest::Client, seed: u64, speed: f64) -> Tally {
        match self {
            Sender::Webhooks(target) => send_call(client, target, seed, speed).await,
            Sender::Traces(target) => traces::send_session(client, target, seed, speed).await,
        }
    }

    fn source(&self) -> &str {
        match self {
            Sender::Webhooks(target) => target.platform.source(),
            Sender::Traces(target) => &target.tracer.info.name,
        }
    }

    fn url(&self) -> &str {
        match self {
            Sender::Webhooks(target) => &target.url,
            Sender::Traces(target) => &target.url,
        }
    }
}

/// What `--platform` names, with the URL and credentials given.
fn sender(config: &SimulateConfig) -> anyhow::Result<Sender> {
    if let Some(platform) = Platform::from_source(&config.platform) {
        return Ok(Sender::Webhooks(target(config, platform)?));
    }
    let Some(tracer) = TRACERS
        .iter()
        .copied()
        .find(|t| t.info.name == config.platform)
    else {
        let names: Vec<&str> = ALL
            .iter()
            .map(|p| p.source())
            .chain(TRACERS.iter().map(|t| t.info.name.as_ref()))
            .collect();
        bail!(
            "--platform {:?} is not a platform calltrail takes: choose from {}",
            config.platform,
            names.join(", ")
        );
    };
    Ok(Sender::Traces(TraceTarget {
        tracer,
        url: config
            .url
            .clone()
            .unwrap_or_else(|| "http://127.0.0.1:3000/v1/traces".to_string()),
        token: config.token.as_ref().map(|t| t.0.clone()),
    }))
}

/// Where `simulate` sends a `platform`'s events, with the credentials given.
fn target(config: &SimulateConfig, platform: Platform) -> anyhow::Result<Target> {
    let url = config
        .url
        .clone()
        .unwrap_or_else(|| format!("http://127.0.0.1:3000/webhooks/{}", platform.source()));
    let key = match &config.secret {
        Some(secret) => Some(SigningKey::parse(
            secret.0.split(',').next().unwrap_or_default(),
        )?),
        None => None,
    };
    Ok(Target {
        platform,
        url,
        token: config.token.as_ref().map(|t| t.0.clone()),
        key,
        platform_keys: config.platform_keys.clone(),
    })
}

/// Sends one simulated call, event by event, at `speed` × real time.
pub async fn send_call(client: &reqwest::Client, target: &Target, seed: u64, speed: f64) -> Tally {
    let mut rng = StdRng::seed_from_u64(seed);
    let platform = target.platform;
    let steps = sample::call(platform).unwrap_or_else(|| scenario::call(&mut rng));
    // Marked as a sample, so the dashboard badges it and keeps the Connect
    // panel open until a real agent sends something.
    let call_id = format!("{SAMPLE_PREFIX}{seed:016x}");
    let started_at = now_ms();
    let clock = Instant::now();
    let mut tally = Tally::default();
    for (at, mut body) in steps {
        let due = paced(at as f64, speed);
        if let Some(wait) = due.checked_sub(clock.elapsed()) {
            tokio::time::sleep(wait).await;
        }
        match platform.sample {
            Some(_) => sample::stamp(platform, &mut body, &call_id, started_at),
            None => scenario::stamp(&mut body, &call_id, started_at, at),
        }
        tally.add(deliver(client, target, body.to_string(), &call_id).await);
    }
    tally
}

/// Posts one event and counts what the server said.
async fn deliver(client: &reqwest::Client, target: &Target, body: String, call_id: &str) -> Tally {
    let mut tally = Tally::default();
    match target.post(client, body).send().await {
        Ok(r) if r.status().is_success() => match r.text().await {
            Ok(text) if text.contains("\"duplicate\"") => tally.duplicate += 1,
            _ => tally.accepted += 1,
        },
        Ok(r) => {
            let status = r.status();
            let said = r.text().await.unwrap_or_default();
            tracing::warn!(%status, call_id, said, "event refused");
            tally.failed += 1;
        }
        Err(e) => {
            tracing::warn!(error = %e, call_id, "event not delivered");
            tally.failed += 1;
        }
    }
    tally
}

/// `ms` of call time at `speed` (0 = no waiting).
pub(crate) fn paced(ms: f64, speed: f64) -> Duration {
    if speed <= 0.0 {
        Duration::ZERO
    } else {
        Duration::from_secs_f64((ms / speed / 1000.0).max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use tokio::io::AsyncReadExt;
    use tokio::net::TcpListener;

    use super::*;

    /// An `https://` target is spoken to in TLS: the first byte the server
    /// sees is a TLS handshake record (0x16), and the request fails only
    /// because this server never answers the handshake.
    #[tokio::test]
    async fn https_targets_are_spoken_to_in_tls() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let first_byte = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let byte = socket.read_u8().await.unwrap();
            drop(socket);
            byte
        });

        let sent = client()
            .unwrap()
            .post(format!("https://127.0.0.1:{port}/webhooks/infer"))
            .timeout(Duration::from_secs(10))
            .send()
            .await;

        let error = sent.expect_err("the listener never completes a handshake");
        let mut chain = vec![error.to_string()];
        let mut source = error.source();
        while let Some(e) = source {
            chain.push(e.to_string());
            source = e.source();
        }
        assert!(!error.is_builder(), "refused as a request: {chain:?}");
        assert!(
            !chain.iter().any(|e| e.contains("scheme is not http")),
            "no TLS in the client: {chain:?}"
        );
        let byte = tokio::time::timeout(Duration::from_secs(10), first_byte)
            .await
            .expect("the client connected")
            .unwrap();
        assert_eq!(byte, 0x16, "not a TLS handshake: {chain:?}");
    }
}
