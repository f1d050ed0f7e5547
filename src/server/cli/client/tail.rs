//! `calltrail tail [QUERY]`: new events of the calls a query selects, as
//! they arrive. The stream resumes after the last event printed
//! (`Last-Event-ID`) whenever it breaks — a restart of the server, a
//! dropped connection — so nothing is missed and nothing printed twice.

use std::io::Write;
use std::time::Duration;

use eventsource_stream::Eventsource;
use futures::StreamExt;

use super::{exit, paint, Failure, Server};
use crate::model::call_text::describe;
use crate::server::config::TailArgs;
use crate::server::http::api::types::Event;

/// The longest wait between attempts to reconnect.
const MAX_WAIT: Duration = Duration::from_secs(5);

pub async fn run(args: TailArgs) -> anyhow::Result<()> {
    let server = Server::from_args(&args.client)?;
    let q = args.query.join(" ");
    let colour = paint::wanted();
    // The last event printed (or where the stream said it starts).
    let mut last: Option<i64> = None;
    let mut wait = Duration::from_millis(250);
    loop {
        match follow(&server, &q, &mut last, args.json, colour).await {
            Ok(()) => wait = Duration::from_millis(250),
            Err(failure) if failure.code != exit::UNREACHABLE => return Err(failure.into()),
            Err(failure) => {
                eprintln!("calltrail tail: {failure}; reconnecting…");
                wait = (wait * 2).min(MAX_WAIT);
            }
        }
        tokio::time::sleep(wait).await;
    }
}

/// Reads the stream until it ends; prints each event not printed before.
async fn follow(
    server: &Server,
    q: &str,
    last: &mut Option<i64>,
    json: bool,
    colour: bool,
) -> Result<(), Failure> {
    let mut request = server
        .get("/api/v1/stream", &[("q", q.to_string())])
        .header(reqwest::header::ACCEPT, "text/event-stream");
    if let Some(id) = last {
        request = request.header("Last-Event-ID", id.to_string());
    }
    let response = server.send(request).await?;
    let mut events = response.bytes_stream().eventsource();
    while let Some(message) = events.next().await {
        let message = message
            .map_err(|e| Failure::new(exit::UNREACHABLE, format!("the stream broke: {e}")))?;
        let Ok(id) = message.id.parse::<i64>() else {
            continue;
        };
        if message.event == "ready" {
            last.get_or_insert(id);
            continue;
        }
        if last.is_some_and(|seen| id <= seen) {
            continue;
        }
        *last = Some(id);
        let Ok(event) = serde_json::from_str::<Event>(&message.data) else {
            eprintln!("calltrail tail: event {id} does not read; skipped");
            continue;
        };
        let mut out = std::io::stdout().lock();
        let printed = if json {
            writeln!(out, "{}", message.data)
        } else {
            match line(colour, &event) {
                Some(line) => writeln!(out, "{line}"),
                None => Ok(()),
            }
        };
        // A closed pipe (`| head`) ends the command.
        if printed.and_then(|()| out.flush()).is_err() {
            std::process::exit(0);
        }
    }
    Ok(())
}

fn line(colour: bool, event: &Event) -> Option<String> {
    let (tone, text) = describe(&event.detail)?;
    let at = chrono::DateTime::from_timestamp_millis(event.occurred_at)
        .map_or_else(String::new, |t| t.format("%H:%M:%S").to_string());
    Some(format!(
        "{} {} {}",
        paint::dim(colour, &at),
        paint::dim(colour, &event.call_id),
        paint::tone(colour, tone, &text)
    ))
}
