//! The alerts and automations phases, each on a server of its own: durable
//! ingest with every rule off and nothing to forward, then with 3 rules and
//! 2 destinations (plus a channel) active against a local sink, three times
//! each, alternating — the cost of side effects on ingest; how fast forwards
//! drain; and webhook → alert notification latency while 1,000 events/s flow.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::routing::post;
use axum::Router;

use super::stats::{ms, share, Summary};
use super::{drive, Load, Rig};
use crate::server::cli::child::{ServerProcess, TOKEN};

/// Rounds of ingest without and with side effects: one round's figures
/// swing by ±15 % on a busy 2-core machine, their sums much less.
const ROUNDS: u32 = 3;

/// Failing tool calls per second in the notification phase, each in a call
/// of its own with a tool of its own (so each opens an issue and notifies).
const ALERTS_PER_SECOND: u64 = 20;

/// What the local sink received.
#[derive(Clone, Default)]
struct Sink {
    events: Arc<AtomicU64>,
    /// Call id → when its notification arrived.
    notified: Arc<Mutex<HashMap<String, Instant>>>,
}

async fn take_event(State(sink): State<Sink>) -> &'static str {
    sink.events.fetch_add(1, Ordering::Relaxed);
    "ok"
}

async fn take_notification(State(sink): State<Sink>, body: String) -> &'static str {
    let arrived = Instant::now();
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(&body) {
        if let Some(call) = json["call_id"].as_str() {
            sink.notified
                .lock()
                .unwrap()
                .entry(call.to_string())
                .or_insert(arrived);
        }
    }
    "ok"
}

async fn start_sink() -> anyhow::Result<(String, Sink)> {
    let sink = Sink::default();
    let app = Router::new()
        .route("/events", post(take_event))
        .route("/notify", post(take_notification))
        .with_state(sink.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((base, sink))
}

const KINDS: [&str; 8] = [
    "tool-error",
    "hang",
    "stuck-call",
    "ended-abnormally",
    "transfer",
    "tool-loop",
    "webhook-auth-failures",
    "webhook-silence",
];

/// A provisioning file: every rule off, or 3 on (tool-error notifying the
/// sink, hang, tool-loop) with 2 destinations.
fn provisioning(sink: Option<&str>) -> String {
    let mut toml = String::new();
    if let Some(base) = sink {
        toml.push_str(&format!(
            "[[channel]]\nname = \"sink\"\nkind = \"webhook\"\nurl = \"{base}/notify\"\n\n\
             [[destination]]\nname = \"all\"\nurl = \"{base}/events\"\n\n\
             [[destination]]\nname = \"tools\"\nurl = \"{base}/events\"\nevents = [\"tool-call\", \"end-call\"]\n\n"
        ));
    }
    for kind in KINDS {
        let on = sink.is_some() && matches!(kind, "tool-error" | "hang" | "tool-loop");
        let channels = if kind == "tool-error" && on {
            "channels = [\"sink\"]\n"
        } else {
            ""
        };
        toml.push_str(&format!(
            "[[rule]]\nkind = \"{kind}\"\nenabled = {on}\n{channels}\n"
        ));
    }
    toml
}

async fn server(
    exe: &Path,
    dir: &Path,
    name: &str,
    provision: &str,
) -> anyhow::Result<ServerProcess> {
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(&file, provision)?;
    let file = file.to_string_lossy().into_owned();
    let env = [
        ("CALLTRAIL_PROVISION", file.as_str()),
        ("CALLTRAIL_ALLOW_PRIVATE_DESTINATIONS", "true"),
    ];
    ServerProcess::start(exe, &dir.join(format!("{name}.db")), &env).await
}

/// Runs the phases; prints their lines.
pub async fn run(rig: Rig<'_>, rate: u32) -> anyhow::Result<()> {
    let (client, exe, dir, calls, phase) = rig.parts();
    let url = |s: &ServerProcess| format!("{}/webhooks/infer", s.base);
    let load = Load::new(client, dir, calls)?;
    let by = load.generator();

    // Rounds of each, alternating, each on a fresh server: the machine's
    // drift over a minute weighs on both sides alike. The last busy server
    // stays up for the forwarding and notification phases.
    let mut without = 0.0;
    let mut with = 0.0;
    let mut last = None;
    for round in 1..=ROUNDS {
        let plain = server(exe, dir, &format!("no-rules-{round}"), &provisioning(None)).await?;
        let sent = load
            .blast(&[&plain], "/webhooks/infer", "plain", phase)
            .await?;
        without += sent.report(
            &format!("durable ingest, no rules or destinations (round {round})"),
            by,
        );
        plain.stop().await?;

        let (sink_base, sink) = start_sink().await?;
        let provision = provisioning(Some(&sink_base));
        let busy = server(exe, dir, &format!("rules-{round}"), &provision).await?;
        let started = Instant::now();
        let sent = load
            .blast(&[&busy], "/webhooks/infer", "busy", phase)
            .await?;
        with += sent.report(
            &format!("durable ingest, 3 rules and 2 destinations (round {round})"),
            by,
        );
        if round == ROUNDS {
            last = Some((busy, sink, started));
        } else {
            busy.stop().await?;
        }
    }
    let (busy, sink, started) = last.expect("the last round keeps its server");
    share("with / without", with, without, 90);
    // Forwards owed: every event to "all", tool calls and ends to "tools".
    let owed = forwards_owed(&busy).await?;
    let drained = wait_for(
        || sink.events.load(Ordering::Relaxed) >= owed,
        Duration::from_secs(120),
    )
    .await;
    let took = started.elapsed();
    println!(
        "forwarding: {} of {owed} forwards received in {:.1} s: {:.0} forwards/s{}",
        sink.events.load(Ordering::Relaxed),
        took.as_secs_f64(),
        sink.events.load(Ordering::Relaxed) as f64 / took.as_secs_f64(),
        if drained {
            ""
        } else {
            " (not drained within 2 min)"
        }
    );

    // Notification latency under the paced load, on a fresh server: the
    // generator's thousands of calls above each opened an alert, and their
    // notifications would still be queued ahead of these.
    busy.stop().await?;
    let (sink_base, sink) = start_sink().await?;
    let busy = server(exe, dir, "notify", &provisioning(Some(&sink_base))).await?;
    let pace = Duration::from_secs_f64(calls.len() as f64 / f64::from(rate.max(1)));
    let alerts = tokio::spawn(failing_tools(client.clone(), url(&busy), phase));
    drive(client, &url(&busy), calls, "busy-paced", Some(pace), phase).await?;
    let posted = alerts.await??;
    // The paced calls notify too: wait for these calls' own.
    wait_for(
        || {
            let notified = sink.notified.lock().unwrap();
            posted.iter().all(|(call, _)| notified.contains_key(call))
        },
        Duration::from_secs(30),
    )
    .await;
    let notified = sink.notified.lock().unwrap().clone();
    let latency: Vec<Duration> = posted
        .iter()
        .filter_map(|(call, sent)| notified.get(call).map(|at| at.duration_since(*sent)))
        .collect();
    let s = Summary::of(latency);
    let missing: Vec<&str> = posted
        .iter()
        .filter(|(call, _)| !notified.contains_key(call))
        .map(|(call, _)| call.as_str())
        .take(5)
        .collect();
    if !missing.is_empty() {
        println!("  no notification within 30 s for: {}", missing.join(", "));
    }
    println!(
        "webhook → alert notification received: p50 {}  p99 {}  max {}  ({} of {} alerts, at {rate} events/s; target p99 < 250 ms)",
        ms(s.p50),
        ms(s.p99),
        ms(s.max),
        s.count,
        posted.len()
    );
    busy.stop().await?;
    Ok(())
}

/// Posts a failing tool call in a new call every 1/[`ALERTS_PER_SECOND`] s;
/// returns each call id with when its request was sent.
async fn failing_tools(
    client: reqwest::Client,
    url: String,
    phase: Duration,
) -> anyhow::Result<Vec<(String, Instant)>> {
    let mut tick = tokio::time::interval(Duration::from_millis(1000 / ALERTS_PER_SECOND));
    let until = Instant::now() + phase;
    let mut posted = Vec::new();
    let mut n = 0;
    while Instant::now() < until {
        tick.tick().await;
        let call = format!("bench-alert-{n}");
        n += 1;
        // A tool of its own, named in letters: alerts with one cause join
        // one issue, which notifies once (digits would not tell them apart).
        let tool = format!("charge_{}", letters(n));
        let body = serde_json::json!({"type": "tool-call", "call_id": call,
            "timestamp": "2026-01-01T00:00:00Z",
            "metadata": {"functionName": tool, "arguments": {}, "error": "declined"}});
        let sent = Instant::now();
        client
            .post(&url)
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {TOKEN}"))
            .body(body.to_string())
            .send()
            .await?
            .error_for_status()?;
        posted.push((call, sent));
    }
    Ok(posted)
}

/// `n` in base 26, as letters: 0 → "a", 25 → "z", 26 → "ba".
fn letters(mut n: u64) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (n % 26) as u8);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

/// Forwards the busy server owes after its ingest phase, from its database.
async fn forwards_owed(server: &ServerProcess) -> anyhow::Result<u64> {
    let counts = crate::server::store::offline::event_kinds(&server.db).await?;
    let all: u64 = counts.values().sum();
    let tools: u64 = ["tool_call", "end"]
        .iter()
        .filter_map(|k| counts.get(*k))
        .sum();
    Ok(all + tools)
}

async fn wait_for(mut done: impl FnMut() -> bool, at_most: Duration) -> bool {
    let until = Instant::now() + at_most;
    while Instant::now() < until {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    done()
}

#[cfg(test)]
mod tests {
    #[test]
    fn letters_count_in_base_26() {
        let names: Vec<String> = [0, 25, 26, 27, 675, 676].map(super::letters).into();
        assert_eq!(names, ["a", "z", "ba", "bb", "zz", "baa"]);
    }
}
