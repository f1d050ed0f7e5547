//! Filling the database fast, so reads can be measured at scale (a
//! 10,000-event call, ten million events) without posting each event. The
//! events are the simulator's — Infer's scenario and every other platform's
//! recorded call, in turn — parsed as ingest parses them, and stored by the
//! writer's own batch code, so rows and call summaries are what ingest
//! would have made.

use std::path::Path;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::model::EventDetail;
use crate::server::app::platforms::{infer, sample, ParsedEvent, Platform, ALL};
use crate::server::cli::simulate::scenario;
use crate::server::store::{self, NewDelivery, NewEvent};

/// A word only some prefilled calls say, for searches that find few.
pub const RARE_WORD: &str = "zebrafish";

/// How prefilled calls spread out and differ.
#[derive(Clone, Copy, Default)]
pub struct Spread {
    /// Their starts spread evenly over this many ms before yesterday.
    pub over_ms: i64,
    /// Every this-many-th call says [`RARE_WORD`] (0: none).
    pub rare_every: i64,
}

/// What a prefill stored.
pub struct Filled {
    pub took: Duration,
    pub events: i64,
    /// The stored bodies' bytes: what a receiver keeping only the JSON keeps.
    pub raw_bytes: i64,
}

/// Adds `calls` Infer calls named `{prefix}{n}`, `per_call` events each.
pub async fn calls(db: &Path, prefix: &str, calls: i64, per_call: i64) -> anyhow::Result<Duration> {
    let template = vec![infer_call()?];
    Ok(
        fill(db, prefix, calls, per_call, Spread::default(), template)
            .await?
            .took,
    )
}

/// The same, the calls spread out in time, some saying the rare word, and
/// each platform's calls in turn.
pub async fn spread_calls(
    db: &Path,
    prefix: &str,
    calls: i64,
    per_call: i64,
    spread: Spread,
) -> anyhow::Result<Filled> {
    fill(db, prefix, calls, per_call, spread, every_platform()?).await
}

async fn fill(
    db: &Path,
    prefix: &str,
    calls: i64,
    per_call: i64,
    spread: Spread,
    templates: Vec<Template>,
) -> anyhow::Result<Filled> {
    let started = Instant::now();
    let rare: Vec<Template> = templates.iter().map(rare).collect();
    let raw_bytes = (0..calls)
        .map(|c| {
            let t = &templates[c as usize % templates.len()];
            (0..per_call)
                .map(|i| t.events[i as usize % t.events.len()].1.len() as i64)
                .sum::<i64>()
        })
        .sum();
    let (db, prefix) = (db.to_path_buf(), prefix.to_string());
    let base = store::now_ms() - 86_400_000 - spread.over_ms;
    tokio::task::spawn_blocking(move || {
        let events = (0..calls).flat_map(|c| {
            let call_id = format!("{prefix}{c}");
            let says_rare = spread.rare_every > 0 && c % spread.rare_every == 0;
            let chosen = if says_rare { &rare } else { &templates };
            let template = &chosen[c as usize % chosen.len()];
            let start = base + spread.over_ms * c / calls.max(1);
            (0..per_call).map(move |i| copy(template, &call_id, c, start, i))
        });
        store::fill(&db, events)
    })
    .await??;
    Ok(Filled {
        took: started.elapsed(),
        events: calls * per_call,
        raw_bytes,
    })
}

/// One call's events, parsed, with their bodies, and the platform that sent them.
struct Template {
    source: &'static str,
    events: Vec<(ParsedEvent, String)>,
}

/// The template with [`RARE_WORD`] added to what each turn says.
fn rare(template: &Template) -> Template {
    let events = template
        .events
        .iter()
        .map(|(parsed, body)| {
            let mut parsed = parsed.clone();
            if let EventDetail::Message { text, .. } = &mut parsed.detail {
                text.push(' ');
                text.push_str(RARE_WORD);
            }
            (parsed, body.clone())
        })
        .collect();
    Template {
        source: template.source,
        events,
    }
}

/// One simulated Infer call.
fn infer_call() -> anyhow::Result<Template> {
    let mut rng = StdRng::seed_from_u64(7);
    let events = scenario::call(&mut rng)
        .into_iter()
        .map(|(at, mut body)| {
            scenario::stamp(&mut body, "prefill", 0, at);
            let parsed = infer::parse(&body)?;
            Ok((parsed, body.to_string()))
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(Template {
        source: Platform::INFER.source(),
        events,
    })
}

/// Infer's simulated call, then each other platform's recorded call, its
/// deliveries parsed into events (each with the part of the body it is).
fn every_platform() -> anyhow::Result<Vec<Template>> {
    let mut templates = vec![infer_call()?];
    for platform in ALL.iter().copied() {
        let Some(deliveries) = sample::call(platform) else {
            continue;
        };
        let mut events = Vec::new();
        for (_, mut body) in deliveries {
            sample::stamp(platform, &mut body, "prefill", store::now_ms());
            for item in platform.parse(&body)? {
                let raw = item.part.as_ref().unwrap_or(&body).to_string();
                events.push((item.event, raw));
            }
        }
        templates.push(Template {
            source: platform.source(),
            events,
        });
    }
    Ok(templates)
}

/// Event `i` of call `c`: the template's events in turn, a second apart
/// and up to 0.9 s later, by a jitter of each call's own (so no two calls
/// measure the same, as real ones do not).
fn copy(template: &Template, call_id: &str, c: i64, start: i64, i: i64) -> (NewDelivery, NewEvent) {
    let (parsed, body) = &template.events[i as usize % template.events.len()];
    let jitter = (c.wrapping_mul(2_654_435_761) ^ i.wrapping_mul(40_503)).rem_euclid(900);
    let at = start + i * 1000 + jitter;
    let mut detail = parsed.detail.clone();
    // The report says when the call started: this copy's start.
    if let EventDetail::Report { started_at, .. } = &mut detail {
        *started_at = Some(start);
    }
    let delivery = NewDelivery {
        received_at: at,
        source: template.source.to_string(),
        remote_addr: None,
        content_type: Some("application/json".to_string()),
        webhook_id: None,
        body: Vec::new(),
        body_truncated: false,
        http_status: 200,
    };
    let event = NewEvent {
        call_id: call_id.to_string(),
        occurred_at: at,
        seconds_from_start: Some((at - start) as f64 / 1000.0),
        dedup_key: format!("prefill:{call_id}:{i}"),
        detail,
        parties: Default::default(),
        raw: body.clone(),
        redactions: 0,
    };
    (delivery, event)
}
