//! Filling the database fast, so reads can be measured at scale (a
//! 10,000-event call, a million events) without posting each event. The
//! events are the simulator's, parsed as ingest parses them, and stored by
//! the writer's own batch code, so rows and call summaries are what ingest
//! would have made.

use std::path::Path;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::model::EventDetail;
use crate::server::app::platforms::{infer, ParsedEvent};
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

/// Adds `calls` calls named `{prefix}{n}`, `per_call` events each.
pub async fn calls(db: &Path, prefix: &str, calls: i64, per_call: i64) -> anyhow::Result<Duration> {
    spread_calls(db, prefix, calls, per_call, Spread::default()).await
}

/// The same, the calls spread out in time and some saying the rare word.
pub async fn spread_calls(
    db: &Path,
    prefix: &str,
    calls: i64,
    per_call: i64,
    spread: Spread,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let template = template()?;
    let rare = rare(&template);
    let (db, prefix) = (db.to_path_buf(), prefix.to_string());
    let base = store::now_ms() - 86_400_000 - spread.over_ms;
    tokio::task::spawn_blocking(move || {
        let events = (0..calls).flat_map(|c| {
            let call_id = format!("{prefix}{c}");
            let says_rare = spread.rare_every > 0 && c % spread.rare_every == 0;
            let template = if says_rare { &rare } else { &template };
            let start = base + spread.over_ms * c / calls.max(1);
            (0..per_call).map(move |i| copy(template, &call_id, start, i))
        });
        store::fill(&db, events)
    })
    .await??;
    Ok(started.elapsed())
}

/// The template with [`RARE_WORD`] added to what each turn says.
fn rare(template: &[(ParsedEvent, String)]) -> Vec<(ParsedEvent, String)> {
    template
        .iter()
        .map(|(parsed, body)| {
            let mut parsed = parsed.clone();
            if let EventDetail::Message { text, .. } = &mut parsed.detail {
                text.push(' ');
                text.push_str(RARE_WORD);
            }
            (parsed, body.clone())
        })
        .collect()
}

/// One simulated call's events, parsed, with their bodies.
fn template() -> anyhow::Result<Vec<(ParsedEvent, String)>> {
    let mut rng = StdRng::seed_from_u64(7);
    scenario::call(&mut rng)
        .into_iter()
        .map(|(at, mut body)| {
            scenario::stamp(&mut body, "prefill", 0, at);
            let parsed = infer::parse(&body)?;
            Ok((parsed, body.to_string()))
        })
        .collect()
}

/// Event `i` of `call_id`: the template's events in turn, a second apart.
fn copy(
    template: &[(ParsedEvent, String)],
    call_id: &str,
    start: i64,
    i: i64,
) -> (NewDelivery, NewEvent) {
    let (parsed, body) = &template[i as usize % template.len()];
    let at = start + i * 1000;
    let mut detail = parsed.detail.clone();
    // The report says when the call started: this copy's start.
    if let EventDetail::Report { started_at, .. } = &mut detail {
        *started_at = Some(start);
    }
    let delivery = NewDelivery {
        received_at: at,
        source: "infer".to_string(),
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
        seconds_from_start: Some(i as f64),
        dedup_key: format!("prefill:{call_id}:{i}"),
        detail,
        parties: Default::default(),
        raw: body.clone(),
        redactions: 0,
    };
    (delivery, event)
}
