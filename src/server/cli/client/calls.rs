//! `calltrail calls [QUERY] [--since 1h] [--json|--csv]`: the calls a query
//! selects, newest first (or in `--sort` order), as aligned lines, JSON
//! lines or CSV.

use std::io::Write;

use super::{Failure, Server};
use crate::model::format;
use crate::server::config::{CallsArgs, Output};
use crate::server::http::api::types::{Call, CallList};
use crate::server::http::export::{csv_line, csv_row, CSV_HEADER};

pub async fn run(args: CallsArgs) -> anyhow::Result<()> {
    let server = Server::from_args(&args.client)?;
    let output = match (args.json, args.csv) {
        (true, _) => Output::Json,
        (_, true) => Output::Csv,
        _ => args.output,
    };
    let calls = fetch(&server, &args).await?;
    let mut out = std::io::stdout().lock();
    match output {
        Output::Json => {
            for call in &calls {
                writeln!(out, "{}", serde_json::to_string(call)?)?;
            }
        }
        Output::Csv => write_csv(&mut out, &calls)?,
        Output::Text => {
            if calls.is_empty() {
                eprintln!("no call matches");
            }
            for call in &calls {
                writeln!(out, "{}", text_line(call))?;
            }
        }
    }
    Ok(())
}

/// Up to `--limit` calls, page after page.
async fn fetch(server: &Server, args: &CallsArgs) -> Result<Vec<Call>, Failure> {
    let q = args.query.join(" ");
    let mut calls: Vec<Call> = Vec::new();
    let mut cursor: Option<String> = None;
    let wanted = args.limit.max(1) as usize;
    loop {
        let mut query = vec![
            ("q", q.clone()),
            ("limit", (wanted - calls.len()).min(500).to_string()),
        ];
        if let Some(since) = &args.since {
            query.push(("since", since.clone()));
        }
        if let Some(sort) = &args.sort {
            query.push(("sort", sort.clone()));
        }
        if let Some(c) = &cursor {
            query.push(("cursor", c.clone()));
        }
        let page: CallList = server.json(server.get("/api/v1/calls", &query)).await?;
        calls.extend(page.calls);
        match page.next_cursor {
            Some(next) if calls.len() < wanted => cursor = Some(next),
            _ => return Ok(calls),
        }
    }
}

fn text_line(call: &Call) -> String {
    let c = &call.summary;
    let started = chrono::DateTime::from_timestamp_millis(c.started_at)
        .map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M:%S").to_string());
    let length = c
        .duration_ms
        .or(c.ended_at.map(|end| end - c.started_at))
        .map_or_else(|| "live".to_string(), format::duration);
    let mut marks = Vec::new();
    if c.n_tool_errors > 0 {
        marks.push(format!("{} tool errors", c.n_tool_errors));
    }
    if c.n_hangs > 0 {
        marks.push(format!("{} hangs", c.n_hangs));
    }
    if c.n_interruptions > 0 {
        marks.push(format!("{} interruptions", c.n_interruptions));
    }
    let about = c.first_user_text.as_deref().unwrap_or("");
    format!(
        "{started}  {:<10} {:<12} {:>8}  {}  {}  {}",
        c.source,
        c.status.as_str(),
        length,
        c.call_id,
        marks.join(", "),
        about
    )
    .trim_end()
    .to_string()
}

/// The same columns as the dashboard's CSV export.
fn write_csv(out: &mut impl Write, calls: &[Call]) -> std::io::Result<()> {
    let header: Vec<String> = CSV_HEADER.iter().map(|h| h.to_string()).collect();
    out.write_all(csv_line(&header).as_bytes())?;
    for call in calls {
        out.write_all(csv_line(&csv_row(&call.summary, &call.review)).as_bytes())?;
    }
    Ok(())
}
