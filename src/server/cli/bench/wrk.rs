//! The load of the throughput phases: `wrk`, an external event-driven HTTP
//! load generator that is not the bottleneck (an in-process client tops out
//! at half of what this machine's no-op route takes), with a Lua script
//! (`wrk.lua`) that makes every request a new event of a realistic call.
//! Every phase gets the same connections. Where wrk is missing the
//! in-process client drives the load instead, and each figure says so: it
//! is then that client's limit as much as the server's.
//!
//! Each phase also says how much CPU the generator and the server used, so
//! a reader sees who was the bottleneck.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;

use super::load::{self, Sent};
use super::stats::{ms, Summary};
use crate::server::cli::child::{ServerProcess, TOKEN};

/// The script, written beside the bench's databases.
const SCRIPT: &str = include_str!("wrk.lua");
/// Where a call id goes in the templates.
const CALL: &str = "@CALL@";

/// What drives the throughput phases.
pub struct Load<'a> {
    /// wrk and its files, or none: the in-process client.
    wrk: Option<Wrk>,
    client: &'a reqwest::Client,
    /// Connections (wrk) or senders (the in-process client), one call each.
    calls: &'a [String],
}

/// wrk's path, and the script and templates every phase gives it (written
/// once, beside the bench's databases).
struct Wrk {
    path: PathBuf,
    script: PathBuf,
    templates: PathBuf,
}

impl Wrk {
    fn ready(path: PathBuf, dir: &Path) -> anyhow::Result<Self> {
        let script = dir.join("calltrail.lua");
        std::fs::write(&script, SCRIPT)?;
        let templates = dir.join("calltrail-bodies.txt");
        std::fs::write(&templates, load::bodies(CALL, 0).join("\n") + "\n")?;
        Ok(Wrk {
            path,
            script,
            templates,
        })
    }
}

/// One throughput phase's figures.
#[derive(Default)]
pub struct Throughput {
    /// Answers with a 2xx status.
    pub ok: u64,
    pub non_2xx: u64,
    /// Connections refused, reset or timed out.
    pub socket_errors: u64,
    pub rps: f64,
    pub latency: Summary,
    /// CPU the generator used, in cores.
    pub generator_cores: f64,
    /// CPU the servers used, in cores.
    pub server_cores: f64,
    /// CPU this machine's PostgreSQL processes used, in cores.
    pub postgres_cores: f64,
}

impl<'a> Load<'a> {
    /// wrk from `CALLTRAIL_WRK` or the `PATH`, else the in-process client
    /// (said on stdout).
    pub fn new(
        client: &'a reqwest::Client,
        dir: &Path,
        calls: &'a [String],
    ) -> anyhow::Result<Self> {
        let found = std::env::var_os("CALLTRAIL_WRK")
            .map(PathBuf::from)
            .or_else(|| on_path("wrk"));
        match &found {
            Some(path) => println!(
                "load generator: {} ({} connections, {} threads)",
                path.display(),
                calls.len(),
                threads(calls.len(), 1)
            ),
            None => println!(
                "load generator: the in-process client ({} senders) — wrk is not installed \
                 (apt install wrk, or CALLTRAIL_WRK=its path), so throughput figures show the \
                 client's limit as much as the server's",
                calls.len()
            ),
        }
        Ok(Load {
            wrk: found.map(|path| Wrk::ready(path, dir)).transpose()?,
            client,
            calls,
        })
    }

    /// The in-process client and the call ids of its senders, for phases
    /// that must send at a set pace.
    pub fn senders(&self) -> (&'a reqwest::Client, &'a [String]) {
        (self.client, self.calls)
    }

    /// Who generates the load, for the figures' lines.
    pub fn generator(&self) -> &'static str {
        if self.wrk.is_some() {
            "wrk"
        } else {
            "in-process client"
        }
    }

    /// Sends new events to `path` of `servers` (the connections spread over
    /// them, as a load balancer would) for `phase`.
    pub async fn blast(
        &self,
        servers: &[&ServerProcess],
        path: &str,
        label: &str,
        phase: Duration,
    ) -> anyhow::Result<Throughput> {
        let urls: Vec<String> = servers
            .iter()
            .map(|s| format!("{}{path}", s.base))
            .collect();
        let server_cpu = || {
            servers
                .iter()
                .filter_map(|s| cpu_seconds(s.pid(), false))
                .sum::<f64>()
        };
        let (servers_before, children_before) = (server_cpu(), own_children_cpu());
        let postgres_before = cpu_of_all("postgres");
        let started = Instant::now();
        let mut figures = match &self.wrk {
            Some(wrk) => self.wrk_phase(wrk, &urls, label, phase).await?,
            None => self.in_process(&urls, label, phase).await?,
        };
        let took = started.elapsed().as_secs_f64();
        figures.server_cores = (server_cpu() - servers_before) / took;
        figures.postgres_cores = (cpu_of_all("postgres") - postgres_before).max(0.0) / took;
        if self.wrk.is_some() {
            figures.generator_cores = (own_children_cpu() - children_before) / took;
        }
        Ok(figures)
    }

    async fn wrk_phase(
        &self,
        wrk: &Wrk,
        urls: &[String],
        label: &str,
        phase: Duration,
    ) -> anyhow::Result<Throughput> {
        let connections = (self.calls.len() / urls.len()).max(1);
        let threads = threads(connections, urls.len());
        let runs = urls.iter().enumerate().map(|(i, url)| {
            tokio::process::Command::new(&wrk.path)
                .arg(format!("--threads={threads}"))
                .arg(format!("--connections={connections}"))
                .arg(format!("--duration={}s", phase.as_secs().max(1)))
                .arg("--timeout=10s")
                .arg(format!("--script={}", wrk.script.display()))
                .arg(url)
                .arg("--")
                .arg(&wrk.templates)
                .arg(format!("bench-{label}-{i}"))
                .arg(TOKEN)
                .arg((connections / threads).max(1).to_string())
                .kill_on_drop(true)
                .output()
        });
        let mut total = Throughput::default();
        for output in futures::future::try_join_all(runs)
            .await
            .context("running wrk")?
        {
            let text = String::from_utf8_lossy(&output.stdout);
            anyhow::ensure!(
                output.status.success(),
                "wrk failed: {text}{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let line = text
                .lines()
                .find_map(|l| l.strip_prefix("calltrail-wrk "))
                .with_context(|| format!("wrk printed no figures: {text}"))?;
            total.add(&WrkLine::parse(line)?);
        }
        Ok(total)
    }

    async fn in_process(
        &self,
        urls: &[String],
        label: &str,
        phase: Duration,
    ) -> anyhow::Result<Throughput> {
        let before = own_cpu();
        let sent = super::drive_spread(self.client, urls, self.calls, label, None, phase).await?;
        let mut figures = Throughput::of_sent(&sent, phase);
        figures.generator_cores = (own_cpu() - before) / phase.as_secs_f64();
        Ok(figures)
    }
}

impl Throughput {
    /// The in-process client's figures.
    pub fn of_sent(sent: &[Sent], phase: Duration) -> Self {
        let latencies: Vec<Duration> = sent
            .iter()
            .flat_map(|s| s.ack_latency.iter().copied())
            .collect();
        let failed: u64 = sent.iter().map(|s| s.failed).sum();
        let latency = Summary::of(latencies);
        let answered = latency.count as u64;
        Throughput {
            ok: answered - failed.min(answered),
            non_2xx: failed,
            rps: answered as f64 / phase.as_secs_f64(),
            latency,
            ..Throughput::default()
        }
    }

    /// Adds one wrk run's figures (runs side by side: rates add up, the
    /// latency figures are the worse of the two).
    fn add(&mut self, run: &WrkLine) {
        let requests = run.requests;
        self.ok += requests - run.non_2xx.min(requests);
        self.non_2xx += run.non_2xx;
        self.socket_errors += run.socket_errors;
        self.rps += requests as f64 / (run.duration_us.max(1) as f64 / 1e6);
        let l = &mut self.latency;
        l.count += requests as usize;
        l.p50 = l.p50.max(Duration::from_micros(run.p50_us));
        l.p99 = l.p99.max(Duration::from_micros(run.p99_us));
        l.max = l.max.max(Duration::from_micros(run.max_us));
    }

    /// Prints the phase's line; returns its requests per second.
    pub fn report(&self, name: &str, generator: &str) -> f64 {
        // PostgreSQL's share, when it did any of the work.
        let postgres = if self.postgres_cores >= 0.05 {
            format!(", postgres {:.2} cores", self.postgres_cores)
        } else {
            String::new()
        };
        println!(
            "{name}: {:.0} requests/s ({} 2xx, {} non-2xx, {} socket errors); \
             answer p50 {}  p99 {}  max {}; CPU: server {:.2} cores{postgres}, {generator} {:.2} cores",
            self.rps,
            self.ok,
            self.non_2xx,
            self.socket_errors,
            ms(self.latency.p50),
            ms(self.latency.p99),
            ms(self.latency.max),
            self.server_cores,
            self.generator_cores,
        );
        self.rps
    }
}

/// The figures `wrk.lua` prints when wrk is done.
#[derive(Debug, PartialEq)]
struct WrkLine {
    requests: u64,
    duration_us: u64,
    non_2xx: u64,
    socket_errors: u64,
    p50_us: u64,
    p99_us: u64,
    max_us: u64,
}

impl WrkLine {
    fn parse(line: &str) -> anyhow::Result<Self> {
        let field = |name: &str| -> anyhow::Result<u64> {
            line.split_whitespace()
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                .with_context(|| format!("wrk's figures lack {name}: {line}"))?
                .parse()
                .with_context(|| format!("wrk's {name} is not a count: {line}"))
        };
        Ok(WrkLine {
            requests: field("requests")?,
            duration_us: field("duration_us")?,
            non_2xx: field("non2xx")?,
            socket_errors: field("socket_errors")?,
            p50_us: field("p50_us")?,
            p99_us: field("p99_us")?,
            max_us: field("max_us")?,
        })
    }
}

/// wrk's threads for `connections` each of `runs` side by side: the cores
/// shared out, at least one, never more than the connections.
fn threads(connections: usize, runs: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores / runs).clamp(1, connections.max(1))
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

/// CPU seconds process `pid` used (Linux), or its finished children did.
fn cpu_seconds(pid: u32, children: bool) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command's name (which may hold spaces) in
    // parentheses: utime and stime are the 12th and 13th, the children's
    // the 14th and 15th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let at = if children { 13 } else { 11 };
    let ticks: u64 =
        fields.get(at)?.parse::<u64>().ok()? + fields.get(at + 1)?.parse::<u64>().ok()?;
    Some(ticks as f64 / rustix::param::clock_ticks_per_second() as f64)
}

/// CPU seconds the running processes called `name` have used (Linux):
/// PostgreSQL's backends on this machine, beside the bench.
fn cpu_of_all(name: &str) -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    dir.flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == name)
        })
        .filter_map(|pid| cpu_seconds(pid, false))
        .sum()
}

fn own_cpu() -> f64 {
    cpu_seconds(std::process::id(), false).unwrap_or(0.0)
}

/// CPU of this process's children that have ended (wrk's runs).
fn own_children_cpu() -> f64 {
    cpu_seconds(std::process::id(), true).unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_scripts_figures() {
        let line = "requests=120 duration_us=2000000 non2xx=3 socket_errors=1 p50_us=900 p99_us=4000 max_us=9000";
        let run = WrkLine::parse(line).unwrap();
        assert_eq!(run.requests, 120);
        assert_eq!(run.non_2xx, 3);
        let mut total = Throughput::default();
        total.add(&run);
        total.add(&run);
        assert_eq!((total.ok, total.non_2xx, total.socket_errors), (234, 6, 2));
        assert_eq!(total.rps, 120.0);
        assert_eq!(total.latency.p99, Duration::from_millis(4));
        assert!(WrkLine::parse("requests=1").is_err());
    }
}
