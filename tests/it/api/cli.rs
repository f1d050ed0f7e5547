//! The command-line client, run as the binary against a running server:
//! `token create` prints a token alone, `calls` lists with exit codes that
//! tell failures apart, and `tail` prints a simulated call's new events
//! within a second, survives a restart of the server and prints nothing
//! twice.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use calltrail::server::cli::child::{ServerProcess, ADMIN, TOKEN};
use serde_json::json;

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_calltrail"))
}

/// Runs the binary to its end: exit code, stdout, stderr.
fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(exe())
        .args(args)
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Sends one Infer turn of `call`; waits for its 2xx (on disk).
async fn say(base: &str, call: &str, text: &str) {
    let body = json!({"type": "conversation-update", "call_id": call,
        "metadata": {"role": "user", "message": text}});
    let answer = reqwest::Client::new()
        .post(format!("{base}/webhooks/infer"))
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert!(
        answer.status().is_success(),
        "{}",
        answer.text().await.unwrap()
    );
}

/// The next line `tail` printed, within `wait`.
fn next_line(lines: &mpsc::Receiver<String>, wait: Duration) -> Option<String> {
    lines.recv_timeout(wait).ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tail_follows_a_live_call_across_a_restart_without_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let server = ServerProcess::start(exe(), &db, &[])
        .await
        .expect("server started");
    let base = server.base.clone();
    let db_arg = db.to_str().unwrap();
    let (code, token, err) = run(
        &[
            "token", "create", "--user", ADMIN, "--scope", "read", "--db", db_arg,
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let token = token.trim().to_string();
    assert!(
        token.starts_with("ctk_") && !token.contains('\n'),
        "stdout is the token alone: {token:?}"
    );
    let env = [
        ("CALLTRAIL_URL", base.as_str()),
        ("CALLTRAIL_TOKEN", token.as_str()),
    ];

    say(&base, "before", "said before tail started").await;
    let mut tail = Killed(
        Command::new(exe())
            .args(["tail", "--json"])
            .envs(env)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let stdout = tail.0.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                return;
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut printed = Vec::new();
    for (i, text) in ["first", "second", "third"].iter().enumerate() {
        say(&base, "live-call", text).await;
        let stored = Instant::now();
        let line = next_line(&lines, Duration::from_secs(5)).expect("tail printed the event");
        eprintln!(
            "tail printed event {i} {:?} after its 2xx",
            stored.elapsed()
        );
        assert!(
            stored.elapsed() < Duration::from_secs(1),
            "event {i} took {:?}",
            stored.elapsed()
        );
        let event: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            (event["call_id"].as_str(), event["text"].as_str()),
            (Some("live-call"), Some(*text))
        );
        printed.push(event["id"].as_i64().unwrap());
    }

    // A restart on the same address: tail reconnects and resumes after
    // the last event it printed, including what arrived while it was away.
    let addr = base.trim_start_matches("http://").to_string();
    server.stop().await.expect("clean stop");
    let server = ServerProcess::start(exe(), &db, &[("CALLTRAIL_ADDR", &addr)])
        .await
        .expect("restarted");
    say(&base, "live-call", "fourth").await;
    say(&base, "live-call", "fifth").await;
    for text in ["fourth", "fifth"] {
        let line =
            next_line(&lines, Duration::from_secs(10)).expect("tail printed after the restart");
        let event: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(event["text"], text);
        printed.push(event["id"].as_i64().unwrap());
    }
    assert_eq!(
        next_line(&lines, Duration::from_millis(1500)),
        None,
        "nothing printed twice"
    );
    let mut unique = printed.clone();
    unique.dedup();
    assert_eq!(unique, printed);
    drop(tail);
    server.stop().await.unwrap();
}

/// A child process killed (and reaped) when the test ends, however it ends.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_prints_for_pipes_and_says_what_went_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("calls.db");
    let server = ServerProcess::start(exe(), &db, &[])
        .await
        .expect("server started");
    let base = server.base.clone();
    say(&base, "one", "hello").await;
    say(&base, "two", "a refund please").await;
    let (_, token, _) = run(
        &[
            "token",
            "create",
            "--user",
            ADMIN,
            "--db",
            db.to_str().unwrap(),
        ],
        &[],
    );
    let token = token.trim();
    let env = [("CALLTRAIL_URL", base.as_str()), ("CALLTRAIL_TOKEN", token)];

    let (code, out, err) = run(&["calls", "refund", "--json"], &env);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["call_id"], "two");
    let (code, out, _) = run(&["calls", "--csv"], &env);
    assert_eq!(code, 0);
    assert!(out.starts_with("call_id,source,status,"), "{out}");
    assert_eq!(out.lines().count(), 3);
    let (code, out, _) = run(&["call", "two"], &env);
    assert_eq!(code, 0);
    assert!(out.contains("caller: a refund please"), "{out}");

    let (code, _, err) = run(&["calls", "status:bogus"], &env);
    assert_eq!(code, 2, "a query the server cannot read: {err}");
    assert!(err.contains("unknown status"), "{err}");
    let (code, _, err) = run(
        &["calls"],
        &[("CALLTRAIL_URL", &base), ("CALLTRAIL_TOKEN", "ctk_wrong")],
    );
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("not one of this server's"), "{err}");
    let (code, _, err) = run(
        &["calls"],
        &[
            ("CALLTRAIL_URL", "http://127.0.0.1:9"),
            ("CALLTRAIL_TOKEN", token),
        ],
    );
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("cannot reach"), "{err}");
    let (code, _, err) = run(&["call", "nope"], &env);
    assert_eq!(code, 4, "{err}");
    server.stop().await.unwrap();
}
