//! The commands that read a running server through its API: `calltrail
//! calls`, `call`, `tail` and `alerts`. Where the server is and which
//! token to send come from `--url`/`--token`, `CALLTRAIL_URL` /
//! `CALLTRAIL_TOKEN`, or a TOML file (`url`, `token`). A failure says what
//! went wrong and exits with a code a script can tell apart
//! ([`Failure::code`]).

pub mod alerts;
pub mod call;
pub mod calls;
mod paint;
pub mod tail;

use std::path::PathBuf;
use std::time::Duration;

use reqwest::{RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::server::config::ClientArgs;
use crate::server::http::api::problem::Problem;

/// Exit codes: 1 is anything else (e.g. the server failed).
pub mod exit {
    /// The request was wrong: a query or option the server cannot read.
    pub const USAGE: u8 = 2;
    /// No token, or one the server refuses, or a token that may not do this.
    pub const AUTH: u8 = 3;
    /// No such call, event or alert.
    pub const NOT_FOUND: u8 = 4;
    /// The server cannot be reached, or is unavailable for now.
    pub const UNREACHABLE: u8 = 5;
}

/// Why a command failed, and the exit code that says which.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }
}

/// The client's settings file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    url: Option<String>,
    token: Option<String>,
}

/// A server to ask, and the token to sign with.
pub struct Server {
    base: url::Url,
    token: String,
    http: reqwest::Client,
}

impl Server {
    pub fn from_args(args: &ClientArgs) -> Result<Server, Failure> {
        let settings = read_settings(args.config.as_ref())?;
        let url = args.url.clone().or(settings.url).ok_or_else(|| {
            Failure::new(
                exit::USAGE,
                "which server? set CALLTRAIL_URL (or --url, or `url` in ~/.config/calltrail/client.toml)",
            )
        })?;
        let token = args.token.clone().or(settings.token).ok_or_else(|| {
            Failure::new(
                exit::AUTH,
                "no API token: set CALLTRAIL_TOKEN (make one at /settings/tokens or with `calltrail token create`)",
            )
        })?;
        let base = url::Url::parse(url.trim()).map_err(|e| {
            Failure::new(
                exit::USAGE,
                format!("{url:?} is not a URL ({e}); write e.g. https://calls.example.com"),
            )
        })?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(Failure::new(
                exit::USAGE,
                format!("{url:?} is not an http(s) URL"),
            ));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("calltrail-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Failure::new(1, format!("cannot make an HTTP client: {e}")))?;
        Ok(Server {
            base,
            token: token.trim().to_string(),
            http,
        })
    }

    /// A GET of `path` (under the server's base URL) with `query`, signed.
    pub fn get(&self, path: &str, query: &[(&str, String)]) -> RequestBuilder {
        let mut url = self.base.clone();
        let base_path = url.path().trim_end_matches('/').to_string();
        url.set_path(&format!("{base_path}{path}"));
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        self.http.get(url).bearer_auth(&self.token)
    }

    /// Sends `request` and reads its JSON answer as `T`.
    pub async fn json<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, Failure> {
        let response = self.send(request.timeout(Duration::from_secs(60))).await?;
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Failure::new(exit::UNREACHABLE, format!("the answer broke off: {e}")))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Failure::new(1, format!("the server's answer does not read ({e}); is {} a calltrail server of this version?", self.base))
        })
    }

    /// Sends `request`; a refusal becomes a [`Failure`] that says why.
    pub async fn send(&self, request: RequestBuilder) -> Result<Response, Failure> {
        let response = request.send().await.map_err(|e| {
            Failure::new(
                exit::UNREACHABLE,
                format!("cannot reach {}: {}", self.base, root_cause(&e)),
            )
        })?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(self.refusal(response).await)
    }

    async fn refusal(&self, response: Response) -> Failure {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        let said = match serde_json::from_str::<Problem>(&body) {
            Ok(problem) => format!("{}: {}", problem.title, problem.detail),
            Err(_) if status == StatusCode::NOT_FOUND => format!(
                "{} answers 404 for the API: is it a calltrail server (and CALLTRAIL_URL its address)?",
                self.base
            ),
            Err(_) => format!("{status}"),
        };
        let code = match status {
            StatusCode::BAD_REQUEST => exit::USAGE,
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => exit::AUTH,
            StatusCode::NOT_FOUND => exit::NOT_FOUND,
            s if s == StatusCode::TOO_MANY_REQUESTS || s.is_server_error() => exit::UNREACHABLE,
            _ => 1,
        };
        Failure::new(code, format!("the server refused: {said}"))
    }
}

/// The settings file: the one named, else the default if it exists.
fn read_settings(named: Option<&PathBuf>) -> Result<Settings, Failure> {
    let path = match named {
        Some(path) => path.clone(),
        None => match default_settings_path() {
            Some(path) if path.exists() => path,
            _ => return Ok(Settings::default()),
        },
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Failure::new(exit::USAGE, format!("cannot read {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| {
        Failure::new(
            exit::USAGE,
            format!("{} does not read: {e}", path.display()),
        )
    })
}

fn default_settings_path() -> Option<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(config.join("calltrail").join("client.toml"))
}

/// The innermost cause of a connection error ("Connection refused").
fn root_cause(e: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = e;
    while let Some(inner) = source.source() {
        source = inner;
    }
    source.to_string()
}

/// A path segment with everything but unreserved characters escaped (a
/// call id may hold `/`).
pub fn segment(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}
