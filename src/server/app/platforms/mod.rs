//! The voice platforms calltrail takes webhooks from, one folder each: its
//! parser, the parties it names, its own proof that a delivery came from it,
//! the call the simulator sends as it, its fixtures and their tests. The
//! folders are registered in one line, `platforms![…]`, which makes [`ALL`];
//! the router, the webhook checks, the connect panel, the simulator and the
//! demo all read the list.
//!
//! Adding a platform: a folder with a `SOURCE`, and its name in that line.
//! The pages learn its name and label from [`listed`], and the command line
//! its secrets' settings from [`secret_settings`].

mod fields;
#[cfg(test)]
pub mod fixtures;
mod parsed;
pub mod proof;
pub mod sample;
pub mod spans;
pub mod timestamp;

use std::fmt;

use serde_json::Value;

use crate::model::{self, Parties};
use crate::server::config::SecretSetting;
pub use parsed::{valid_call_id, Item, ParseError, ParsedEvent};
pub use proof::{Offered, PlatformDenied, PlatformKeys};
pub use sample::Sample;

/// Declares each platform's folder and registers its `SOURCE` in [`ALL`].
macro_rules! platforms {
    ($($name:ident),+ $(,)?) => {
        $(pub mod $name;)+

        /// Every platform, in the order the dashboard lists them; the first
        /// is the primary one (its URL is the one "Connect your agent" shows
        /// first).
        pub const ALL: &[Platform] = &[$(Platform(&$name::SOURCE)),+];
    };
}

/// Declares each span-exporting framework's folder and registers its
/// `TRACER` in [`TRACERS`].
macro_rules! tracers {
    ($($name:ident),+ $(,)?) => {
        $(pub mod $name;)+

        /// Every framework heard on `/v1/traces`, in the dashboard's order.
        pub const TRACERS: &[&spans::Tracer] = &[$(&$name::TRACER),+];
    };
}

platforms![infer, vapi, retell, elevenlabs];
tracers![livekit, pipecat];

/// What a platform is, as its folder defines it.
pub struct Source {
    /// Its name (stored with its calls, the route's last segment) and label.
    pub info: model::platform::Platform,
    /// What a delivery's JSON becomes: never empty.
    pub parse: fn(&Value) -> Result<Vec<Item>, ParseError>,
    /// Who a delivery says is on its call.
    pub parties: fn(&Value) -> Parties,
    /// The settings its own proof needs (`--vapi-secret`, …): `cli` adds
    /// them to `serve` and `simulate`.
    pub secrets: &'static [SecretSetting],
    /// Its own proof that a delivery came from it, checked when its secret
    /// is set (and required when signatures are on); `None`: the Standard
    /// Webhooks signature, when signatures are on.
    pub verify: Option<Verify>,
    /// The headers that prove a simulated delivery, at a time (epoch ms).
    pub sign: Option<Sign>,
    /// The recorded call the simulator sends as this platform.
    pub sample: Option<Sample>,
    /// What the connect panel says of it; `None` for the primary platform.
    pub connect: Option<Connect>,
    /// The recording a stored delivery of it carries (ElevenLabs sends the
    /// audio itself): its bytes and their type, served to the call's player.
    pub recording: Option<fn(&Value) -> Option<Recording>>,
    /// The largest body its route takes, when more than
    /// `CALLTRAIL_BODY_LIMIT` (a delivery carrying a recording).
    pub body_limit: Option<usize>,
}

/// A recording as a platform delivered it.
pub struct Recording {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Checks a delivery's proof with the configured keys.
pub type Verify = fn(&PlatformKeys, Offered<'_>) -> Result<(), PlatformDenied>;

/// The headers that prove a delivery of `body` sent at a time (epoch ms).
pub type Sign = fn(&PlatformKeys, i64, &[u8]) -> Vec<(&'static str, String)>;

/// A platform's entry in the "Connect your agent" panel.
pub struct Connect {
    /// Where in the platform's console the URL goes.
    pub paste_into: &'static str,
    /// What to set on the platform's side for its proof, when a secret is.
    pub secret_note: fn(&PlatformKeys) -> Option<&'static str>,
}

/// A registered platform.
#[derive(Clone, Copy)]
pub struct Platform(&'static Source);

impl Platform {
    /// The primary platform (calltrail's own event format).
    pub const INFER: Platform = ALL[0];

    /// The name stored with its deliveries and calls, and its route's last segment.
    pub fn source(self) -> &'static str {
        &self.0.info.name
    }

    /// How the dashboard names it.
    pub fn label(self) -> &'static str {
        &self.0.info.label
    }

    /// The platform a stored `source` names.
    pub fn from_source(source: &str) -> Option<Platform> {
        ALL.iter().copied().find(|p| p.source() == source)
    }

    /// What a delivery's JSON becomes: never empty.
    pub fn parse(self, body: &Value) -> Result<Vec<Item>, ParseError> {
        (self.0.parse)(body)
    }

    /// Who a delivery says is on its call.
    pub fn parties(self, body: &Value) -> Parties {
        (self.0.parties)(body)
    }
}

/// Every platform's secret settings, for the command line.
pub fn secret_settings() -> Vec<&'static SecretSetting> {
    ALL.iter().flat_map(|p| p.0.secrets).collect()
}

/// The platforms and frameworks as the pages name them.
pub fn listed() -> model::platform::Platforms {
    let platforms = ALL.iter().map(|p| p.info.clone());
    let tracers = TRACERS.iter().map(|t| t.info.clone());
    let otlp = model::platform::Platform::traced(spans::OTLP, "OpenTelemetry");
    model::platform::Platforms(platforms.chain(tracers).chain([otlp]).collect())
}

impl std::ops::Deref for Platform {
    type Target = Source;

    fn deref(&self) -> &Source {
        self.0
    }
}

impl PartialEq for Platform {
    fn eq(&self, other: &Self) -> bool {
        self.source() == other.source()
    }
}

impl Eq for Platform {}

impl fmt::Debug for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_name_every_platform_by_its_label() {
        let listed = listed();
        assert_eq!(listed.label("retell"), "Retell");
        assert_eq!(listed.label("vapi"), "Vapi");
        assert_eq!(listed.label("infer"), "Infer");
        assert_eq!(listed.0.len(), ALL.len() + TRACERS.len() + 1);
    }

    #[test]
    fn names_are_unique_routes_and_the_primary_comes_first() {
        let names: Vec<&str> = ALL.iter().map(|p| p.source()).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert!(names
            .iter()
            .all(|n| n.bytes().all(|b| b.is_ascii_lowercase())));
        assert!(ALL[0].connect.is_none() && ALL[1..].iter().all(|p| p.connect.is_some()));
        assert_eq!(
            Platform::from_source("retell").map(Platform::label),
            Some("Retell")
        );
        assert_eq!(Platform::from_source("nope"), None);
    }
}
