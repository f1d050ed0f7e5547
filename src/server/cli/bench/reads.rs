//! How long server-rendered pages take, as a signed-in browser asks for them.

use std::time::Instant;

use super::stats::{ms, Summary};
use crate::server::cli::child::ServerProcess;

/// Events in the large call whose page render is measured.
pub(super) const LARGE_CALL: i64 = 10_000;
/// Requests per read measurement.
const READS: usize = 30;

/// Times server-rendered pages: the large call's first view and the calls
/// list.
pub(super) async fn reads(
    client: &reqwest::Client,
    server: &ServerProcess,
    cookie: &str,
) -> anyhow::Result<()> {
    let pages = [
        (
            format!("{LARGE_CALL}-event call, first view"),
            "/calls/bench-large-0".to_string(),
            150,
        ),
        ("calls list".to_string(), "/".to_string(), 50),
    ];
    for (name, path, target) in pages {
        let s = time_page(client, server, cookie, &path).await?;
        println!(
            "page render, {name}: p50 {}  p99 {}  (target < {target} ms)",
            ms(s.p50),
            ms(s.p99)
        );
    }
    Ok(())
}

/// Renders `path` [`READS`] times, one after another, as a signed-in browser
/// asks for it; how long each took.
pub(super) async fn time_page(
    client: &reqwest::Client,
    server: &ServerProcess,
    cookie: &str,
    path: &str,
) -> anyhow::Result<Summary> {
    let mut times = Vec::with_capacity(READS);
    for _ in 0..READS {
        let started = Instant::now();
        let page = client
            .get(format!("{}{path}", server.base))
            .header("cookie", cookie)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        times.push(started.elapsed());
        anyhow::ensure!(page.len() > 1000, "{path} rendered nearly nothing");
    }
    Ok(Summary::of(times))
}
