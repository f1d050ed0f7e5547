//! A calltrail server in a child process, on a database of its own: what the
//! benchmark measures and the crash check kills.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

pub const ADMIN: &str = "bench";
pub const ADMIN_PASSWORD: &str = "bench-password";
pub const TOKEN: &str = "bench-webhook-token-0123456789";

pub struct ServerProcess {
    child: Child,
    pub base: String,
    pub db: PathBuf,
}

impl ServerProcess {
    /// Starts `calltrail serve` (this very binary, or `exe`) on a free port
    /// with `db`, and waits until it is healthy.
    pub async fn start(exe: &Path, db: &Path, extra_env: &[(&str, &str)]) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut command = Command::new(exe);
        command
            .arg("serve")
            .env("CALLTRAIL_ADDR", format!("127.0.0.1:{port}"))
            .env("CALLTRAIL_DB", db)
            .env("CALLTRAIL_ADMIN_USER", ADMIN)
            .env("CALLTRAIL_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("CALLTRAIL_WEBHOOK_TOKEN", TOKEN)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (k, v) in extra_env {
            command.env(k, v);
        }
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?;
        let mut server = ServerProcess {
            child,
            base: format!("http://127.0.0.1:{port}"),
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
        self.child.id()
    }

    /// Peak resident memory so far, in KiB (Linux; `None` elsewhere).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
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
    pub fn kill_hard(mut self) -> anyhow::Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }

    /// SIGTERM, then wait for a graceful exit.
    pub fn stop(mut self) -> anyhow::Result<()> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // Never leave a server behind, whatever went wrong.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh folder under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!(
            "{prefix}-{}-{:x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
