//! Scoped redaction of callers' personal data in transcripts and payloads.
//!
//! Why "scoped": a regex run over a whole payload cannot tell a phone number
//! from the digits inside a session id, and corrupting ids breaks joins,
//! links and dedup for good (another tracing tool mangled ~2% of its session
//! ids that way). So redaction is applied only where people's words land:
//!
//! * [`Redactor::text`] — one piece of spoken/typed text;
//! * [`Redactor::json_text`] — free text or tool arguments/results as JSON:
//!   every string leaf except those under keys that name ids, timestamps,
//!   urls, enums or keys (see [`SKIP_KEY_WORDS`]); numbers never;
//! * [`Redactor::payload`] — a raw webhook payload: the operator's JSON-path
//!   rules first, then the `json_text` pass.
//!
//! Detectors are deliberately strict at their edges (see `detectors.rs`): a
//! missed phone number is a gap an operator can close with a rule, a mangled
//! id is silent data loss.

mod apply;
pub use apply::without_raw;
mod checks;
mod detectors;
mod ingest;
mod json;
mod policy;
mod rules;
mod spans;

#[cfg(test)]
mod tests;

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

pub use json::SKIP_KEY_WORDS;
pub use policy::{Mode, Redaction, RedactionFile};
pub use rules::{parse_path, ConfigError, PathError, PathStep, Rule, RuleConfig, RuleKind};

use spans::{Mark, Spans};

/// A built-in detector. Declaration order is application order: an earlier
/// detector's match wins any overlap, so a card is never half-eaten as a
/// phone number and an e-mail's digits are never taken for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Detector {
    Email,
    Card,
    NationalId,
    Phone,
    Address,
}

impl Detector {
    /// Every detector, in application order.
    pub const ALL: [Detector; 5] = [
        Detector::Email,
        Detector::Card,
        Detector::NationalId,
        Detector::Phone,
        Detector::Address,
    ];

    /// The configuration name (`phone`, `email`, `card`, `national_id`, `address`).
    pub fn name(self) -> &'static str {
        match self {
            Detector::Email => "email",
            Detector::Card => "card",
            Detector::NationalId => "national_id",
            Detector::Phone => "phone",
            Detector::Address => "address",
        }
    }

    /// The text inside the visible mark, e.g. `ssn` for `[ssn]`.
    pub fn label(self) -> &'static str {
        match self {
            Detector::NationalId => "ssn",
            other => other.name(),
        }
    }

    /// One detector by its exact configuration name; anything else is an
    /// error so a typo cannot silently switch redaction off.
    pub fn parse(name: &str) -> Result<Self, ConfigError> {
        Self::ALL
            .into_iter()
            .find(|d| d.name() == name)
            .ok_or_else(|| ConfigError::UnknownDetector(name.to_owned()))
    }

    /// A comma-separated list such as `"phone, email,card"`; `"all"` alone
    /// means every detector and a blank string means none. Empty items and
    /// duplicates are errors: they usually hide a typo.
    pub fn parse_list(list: &str) -> Result<Vec<Self>, ConfigError> {
        let trimmed = list.trim();
        if trimmed.is_empty() {
            return Ok(Vec::new());
        }
        if trimmed == "all" {
            return Ok(Self::ALL.to_vec());
        }
        let mut out = Vec::new();
        for item in trimmed.split(',').map(str::trim) {
            if item.is_empty() {
                return Err(ConfigError::EmptyDetectorName(list.to_owned()));
            }
            let detector = Self::parse(item)?;
            if out.contains(&detector) {
                return Err(ConfigError::DuplicateDetector(item.to_owned()));
            }
            out.push(detector);
        }
        Ok(out)
    }
}

impl std::str::FromStr for Detector {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The operator's redaction settings as read from TOML/JSON. Unknown fields
/// are rejected so a misspelt setting is an error, not a silent no-op.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactionConfig {
    /// Comma-separated detector names, see [`Detector::parse_list`].
    pub detectors: String,
    #[serde(default)]
    pub rules: Vec<RuleConfig>,
}

/// The engine: enabled built-ins plus the operator's custom rules. Cheap to
/// share (`&self` everywhere); the built-in patterns are compiled once per
/// process and custom ones once when their rule is parsed.
#[derive(Debug, Clone)]
pub struct Redactor {
    /// Enabled built-ins, deduplicated, in application order.
    detectors: Vec<Detector>,
    rules: Vec<Rule>,
}

impl Redactor {
    /// Built-ins are applied in [`Detector::ALL`] order whatever the order
    /// given; custom regex rules run before them (an operator's rule is the
    /// more specific intent, so it wins overlaps).
    pub fn new(detectors: &[Detector], rules: Vec<Rule>) -> Self {
        let mut detectors = detectors.to_vec();
        detectors.sort();
        detectors.dedup();
        Self { detectors, rules }
    }

    /// Builds from parsed configuration, failing on the first bad entry.
    pub fn from_config(config: RedactionConfig) -> Result<Self, ConfigError> {
        let detectors = Detector::parse_list(&config.detectors)?;
        let rules = config
            .rules
            .into_iter()
            .map(Rule::from_config)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::new(&detectors, rules))
    }

    /// Redacts one piece of text, returning it with the number of marks
    /// made. Untouched text comes back borrowed: most fields hold no
    /// personal data and should cost no allocation.
    pub fn text<'t>(&self, source: &str, text: &'t str) -> (Cow<'t, str>, u32) {
        let mut spans = Spans::default();
        for (index, rule) in self.rules.iter().enumerate() {
            if let RuleKind::Regex(re) = &rule.kind {
                if rule.applies_to(source) {
                    for m in re.find_iter(text).filter(|m| !m.is_empty()) {
                        spans.insert(m.start(), m.end(), Mark::Rule(index));
                    }
                }
            }
        }
        detectors::scan_all(&self.detectors, text, &mut spans);
        if spans.is_empty() {
            return (Cow::Borrowed(text), 0);
        }
        let count = spans.len();
        let out = spans.render(text, |mark| match mark {
            Mark::Builtin(detector) => detector.label(),
            Mark::Rule(index) => &self.rules[index].label,
        });
        (Cow::Owned(out), count)
    }

    /// Redacts a JSON value that is free text or tool arguments/results:
    /// every string leaf except under skip keys (ids, timestamps, urls,
    /// enums, keys — see [`SKIP_KEY_WORDS`]). Numbers, booleans and object
    /// keys are never changed. Returns the number of marks made.
    pub fn json_text(&self, source: &str, value: &mut Value) -> u32 {
        json::scoped(self, source, value, false)
    }

    /// Redacts a whole raw webhook payload: the JSON-path rules that apply
    /// to `source` replace whole values first, then [`Self::json_text`]'s
    /// scoped pass runs over what is left.
    pub fn payload(&self, source: &str, value: &mut Value) -> u32 {
        let mut count = 0;
        for rule in &self.rules {
            if let RuleKind::JsonPath(steps) = &rule.kind {
                if rule.applies_to(source) {
                    let mark = format!("[{}]", rule.label);
                    count += json::apply_path(value, steps, &mark);
                }
            }
        }
        count + self.json_text(source, value)
    }
}
