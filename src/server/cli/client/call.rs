//! `calltrail call ID`: one call's timeline in the terminal — turns, tool
//! calls with their arguments and results, errors in colour, interruptions
//! at the cut, latency in parts — or, with `--json`, its events as JSON
//! lines.

use std::io::Write;

use super::{paint, segment, Failure, Server};
use crate::model::call_text::{clock, describe, heading};
use crate::server::config::CallArgs;
use crate::server::http::api::types::{CallTimeline, Event};

pub async fn run(args: CallArgs) -> anyhow::Result<()> {
    let server = Server::from_args(&args.client)?;
    let (first, events) = fetch(&server, &args.id).await?;
    let mut out = std::io::stdout().lock();
    if args.json {
        for event in &events {
            writeln!(out, "{}", serde_json::to_string(event)?)?;
        }
        return Ok(());
    }
    let colour = paint::wanted();
    for line in heading(&first.call.summary, first.call.metrics.as_ref()) {
        writeln!(out, "{}", paint::dim(colour, &line))?;
    }
    writeln!(out)?;
    for event in &events {
        if let Some(line) = line(colour, first.call.summary.started_at, event) {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// The call and every one of its events, page after page.
async fn fetch(server: &Server, id: &str) -> Result<(CallTimeline, Vec<Event>), Failure> {
    let path = format!("/api/v1/calls/{}", segment(id));
    let mut first: Option<CallTimeline> = None;
    let mut events = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query = vec![("limit", "1000".to_string())];
        if let Some(c) = &cursor {
            query.push(("cursor", c.clone()));
        }
        let mut page: CallTimeline = server.json(server.get(&path, &query)).await?;
        let got = page.events.len();
        events.append(&mut page.events);
        let next = page.next_cursor.take();
        first.get_or_insert(page);
        match next {
            // A live call's last page has a cursor too: stop at an empty page.
            Some(next) if got > 0 => cursor = Some(next),
            _ => break,
        }
    }
    let first = first.expect("one page was read");
    Ok((first, events))
}

/// One event as a printed line: its time from the call's start, then what
/// happened, coloured by what it is.
pub fn line(colour: bool, started_at: i64, event: &Event) -> Option<String> {
    let (tone, text) = describe(&event.detail)?;
    let offset = match event.seconds_from_start {
        Some(s) => (s * 1000.0).round() as i64,
        None => event.occurred_at - started_at,
    };
    Some(format!(
        "{} {}",
        paint::dim(colour, &clock(offset)),
        paint::tone(colour, tone, &text)
    ))
}
