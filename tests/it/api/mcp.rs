//! The MCP server with the official Python SDK (`mcp`) as a real client
//! over Streamable HTTP: tools listed, `search_calls` finds what the calls
//! list finds, `get_call` answers a 10,000-event call within 32 KB with a
//! cursor that reads on, the timeline resource reads, and a client without
//! a token is refused.

use serde_json::Value;
use sqlx::SqlitePool;

use super::token;
use crate::common::events::said;
use crate::common::{app, call_sequence, deliver, post, receiver, run_python};
use calltrail::model::tokens::TokenScope;
use calltrail::model::AccountRole;

/// A call of `n` turns, delivered a hundred at a time.
async fn long_call(app: &crate::common::TestApp, n: usize) {
    for chunk in (0..n).collect::<Vec<_>>().chunks(100) {
        let sends = chunk.iter().map(|i| {
            let role = if i % 2 == 0 { "user" } else { "agent" };
            let text = format!("turn {i}: a sentence of about the length people speak in a call");
            let body = said("long", role, &text)
                .time(1_765_000_000_000 + *i as i64 * 1000)
                .body();
            async move { post(app, &body).await }
        });
        for (status, answer) in futures::future::join_all(sends).await {
            assert!(status.is_success(), "{answer}");
        }
    }
}

#[sqlx::test(migrations = "migrations/sqlite")]
async fn the_official_mcp_client_searches_and_reads_calls_in_bounded_answers(pool: SqlitePool) {
    let app = app(pool).await;
    for line in call_sequence() {
        deliver(&app, serde_json::from_str(&line).unwrap()).await;
    }
    long_call(&app, 10_000).await;
    let token = token(&app, AccountRole::Viewer, TokenScope::Read).await;
    let base = receiver::serve(app.router.clone()).await;
    let script = format!("{}/tests/api/mcp_client.py", env!("CARGO_MANIFEST_DIR"));
    let url = format!("{base}/mcp");
    let out = tokio::task::spawn_blocking(move || {
        run_python(
            &[&script, &url, &token, "has:tool_error", "long"],
            "",
            "the MCP SDK (.ci/setup installs `mcp`)",
        )
    })
    .await
    .unwrap();
    let out: Value = serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)));

    assert_eq!(out["server"], "calltrail");
    assert_eq!(
        out["tools"],
        serde_json::json!([
            "call_metrics",
            "get_call",
            "get_event",
            "list_alerts",
            "search_calls"
        ])
    );
    assert!(
        out["tool_description_bytes"].as_u64().unwrap() < 6_000,
        "{}",
        out["tool_description_bytes"]
    );

    assert_eq!(out["search_error"], false);
    let found = out["search_text"].as_str().unwrap();
    assert!(found.contains("call_7f3a9c2e"), "{found}");
    assert!(
        !found.contains("long |"),
        "only the call with a tool error: {found}"
    );

    let sizes: Vec<u64> = serde_json::from_value(out["get_call_sizes"].clone()).unwrap();
    eprintln!("get_call on a 10,000-event call: parts of {sizes:?} bytes");
    assert_eq!(sizes.len(), 2, "a cursor to read on");
    assert!(sizes.iter().all(|s| *s < 32 * 1024), "{sizes:?}");
    let first = out["get_call_text"].as_str().unwrap();
    assert!(first.contains("10000 events"), "{}", &first[..300]);
    assert!(first.contains("turn 0: a sentence"), "from the start");
    let second = out["second_part"].as_str().unwrap();
    let last_of_first = first.lines().rev().find(|l| l.starts_with('[')).unwrap();
    let first_of_second = second.lines().find(|l| l.starts_with('[')).unwrap();
    let turn = |line: &str| -> usize {
        line.split("turn ")
            .nth(1)
            .unwrap()
            .split(':')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(
        turn(first_of_second),
        turn(last_of_first) + 1,
        "no event skipped or repeated"
    );
    assert!(out["resource_text"]
        .as_str()
        .unwrap()
        .starts_with("call long"));
    assert_eq!(out["missing_error"], true);
    assert_eq!(out["refused_without_token"], true);
    assert!(
        out["refusal"].as_str().unwrap().contains("missing token"),
        "{}",
        out["refusal"]
    );
}
