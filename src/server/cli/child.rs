//! A calltrail server in a child process, on a database of its own: what the
//! benchmark measures and the crash check kills.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use rustix::process::{kill_process, Pid, Signal};
use tokio::process::{Child, Command};

pub const ADMIN: &str = "bench";
pub const ADMIN_PASSWORD: &str = "bench-password";
pub const TOKEN: &str = "bench-webhook-token-0123456789";

/// How long a server gets to shut down after SIGTERM before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(30);

/// The child is killed if this is dropped while it runs, whatever went wrong.
pub struct ServerProcess {
    child: Child,
    pid: u32,
    pub base: String,
    pub db: PathBuf,
}

impl ServerProcess {
    /// Starts `calltrail serve` (this very binary, or `exe`) on a free port
    /// with `db`, and waits until it is healthy.
    pub async fn start(exe: &Path, db: &Path, extra_env: &[(&str, &str)]) -> anyhow::Result<Self> {
        // A free port, unless the caller names the address (a restart on
        // the same one).
        let addr = match extra_env.iter().find(|(k, _)| *k == "CALLTRAIL_ADDR") {
            Some((_, addr)) => addr.to_string(),
            None => {
                let port = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await?
                    .local_addr()?
                    .port();
                format!("127.0.0.1:{port}")
            }
        };
        let mut command = Command::new(exe);
        command
            .arg("serve")
            .env("CALLTRAIL_ADDR", &addr)
            .env("CALLTRAIL_DB", db)
            .env("CALLTRAIL_ADMIN_USER", ADMIN)
            .env("CALLTRAIL_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("CALLTRAIL_WEBHOOK_TOKEN", TOKEN)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        for (k, v) in extra_env {
            command.env(k, v);
        }
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?;
        let pid = child
            .id()
            .context("the server exited as soon as it started")?;
        let mut server = ServerProcess {
            child,
            pid,
            base: format!("http://{addr}"),
            db: db.to_path_buf(),
        };
        server.wait_healthy().await?;
        Ok(server)
    }

    async fn wait_healthy(&mut self) -> anyhow::Result<()> {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait()? {
                bail!("the server exited at start-up ({status})");
            }
            let health = client.get(format!("{}/healthz", self.base)).send().await;
            if health.is_ok_and(|r| r.status().is_success()) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("the server did not become healthy within 30 s")
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Peak resident memory so far, in KiB (Linux; `None` elsewhere).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        self.status_kib("VmHWM:")
    }

    /// Resident memory now, in KiB (Linux; `None` elsewhere).
    pub fn rss_kib(&self) -> Option<u64> {
        self.status_kib("VmRSS:")
    }

    fn status_kib(&self, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// Starts counting the peak resident memory afresh (Linux: writing 5 to
    /// `clear_refs`); a no-op where that is not possible.
    pub fn reset_peak_rss(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.pid()), "5");
    }

    /// A session cookie for the admin, for the dashboard's routes.
    pub async fn sign_in(&self) -> anyhow::Result<String> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let response = client
            .post(format!("{}/login", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("username={ADMIN}&password={ADMIN_PASSWORD}&next=/"))
            .send()
            .await?;
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .context("signing in gave no session cookie")?;
        Ok(cookie.to_string())
    }

    /// `kill -9`: no chance to flush or finish anything.
    pub async fn kill_hard(mut self) -> anyhow::Result<()> {
        self.child.kill().await.context("killing the server")
    }

    /// SIGTERM, then wait for a clean exit; SIGKILL if it takes too long.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        // `id()` is `None` once the child has been reaped; until then its pid
        // cannot have been reused, so the signal reaches our server.
        let pid = self.child.id().and_then(|id| i32::try_from(id).ok());
        if let Some(pid) = pid.and_then(Pid::from_raw) {
            kill_process(pid, Signal::TERM).context("sending SIGTERM to the server")?;
        }
        match tokio::time::timeout(STOP_GRACE, self.child.wait()).await {
            Ok(status) => {
                let status = status.context("waiting for the server to stop")?;
                if !status.success() {
                    bail!("the server exited with {status} after SIGTERM");
                }
                Ok(())
            }
            Err(_) => {
                self.child.kill().await.context("killing the server")?;
                bail!("the server did not stop within {STOP_GRACE:?} of SIGTERM")
            }
        }
    }
}
