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
/// How long a stream may say nothing before it counts as dead (the server
/// sends a keep-alive every 15 s).
const SILENCE: Duration = Duration::from_secs(45);

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
    let mut events = std::pin::pin!(watched(response).eventsource());
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
        match printed.and_then(|()| out.flush()) {
            Ok(()) => {}
            // A closed pipe (`| head`) ends the command, as it should.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
            Err(e) => return Err(Failure::new(1, format!("cannot print: {e}"))),
        }
    }
    Ok(())
}

/// The response's bytes, ending in an error when nothing arrives for
/// [`SILENCE`]: the server sends a keep-alive every 15 s, so a connection
/// silent for longer is dead, whatever TCP thinks.
fn watched(
    response: reqwest::Response,
) -> impl futures::Stream<Item = Result<axum::body::Bytes, std::io::Error>> {
    async_stream::stream! {
        let mut bytes = std::pin::pin!(response.bytes_stream());
        loop {
            match tokio::time::timeout(SILENCE, bytes.next()).await {
                Err(_) => {
                    yield Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "the stream went silent"));
                    return;
                }
                Ok(None) => return,
                Ok(Some(chunk)) => yield chunk.map_err(std::io::Error::other),
            }
        }
    }
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
