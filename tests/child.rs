//! The child-server helper behind `calltrail bench` and `crash-check`: a
//! server it started shuts down cleanly on SIGTERM, and one dropped while
//! running does not outlive its handle.

use std::path::Path;
use std::time::Duration;

use calltrail::server::child::ServerProcess;

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_calltrail"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(exe(), &dir.path().join("stop.db"), &[])
        .await
        .expect("server started");
    server.stop().await.expect("clean exit after SIGTERM");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_server_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(exe(), &dir.path().join("drop.db"), &[])
        .await
        .expect("server started");
    let health = format!("{}/healthz", server.base);
    drop(server);
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(&health).send().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server still answers 5 s after its handle was dropped");
}
