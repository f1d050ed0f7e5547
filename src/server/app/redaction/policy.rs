//! When and where redaction applies: per installation and per source, at
//! display (stored text kept whole; restricted viewers, exports, forwards and
//! notifications get it redacted) or at ingest (nothing sensitive is ever
//! stored — it cannot be undone), or off.

use std::collections::HashMap;

use serde::Deserialize;

use super::{ConfigError, Detector, Redactor, Rule, RuleConfig};

/// When a source's sensitive text is redacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Never (restricted viewers still see no raw payloads).
    Off,
    /// Stored whole; redacted on the way out to whoever may not see it.
    Display,
    /// Redacted before it is stored: the database never holds it.
    Ingest,
}

impl Mode {
    pub fn parse(name: &str) -> Result<Mode, ConfigError> {
        match name.trim() {
            "off" => Ok(Mode::Off),
            "display" => Ok(Mode::Display),
            "ingest" => Ok(Mode::Ingest),
            other => Err(ConfigError::UnknownMode(other.to_string())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::Display => "display",
            Mode::Ingest => "ingest",
        }
    }
}

/// The installation's redaction: the engine, the mode of every source, and
/// the modes some sources set for themselves.
#[derive(Debug, Clone)]
pub struct Redaction {
    redactor: Redactor,
    mode: Mode,
    sources: HashMap<String, Mode>,
}

/// The `[redaction]` table of the provisioning file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactionFile {
    pub mode: Option<String>,
    pub detectors: Option<String>,
    /// `source = "mode"`: a source's own mode.
    #[serde(default)]
    pub sources: HashMap<String, String>,
    #[serde(default)]
    pub rule: Vec<RuleConfig>,
}

impl Redaction {
    /// From the environment's mode and detectors, then what the
    /// provisioning file sets (which wins).
    pub fn configure(
        mode: &str,
        detectors: &str,
        file: Option<&RedactionFile>,
    ) -> Result<Self, ConfigError> {
        let mode = Mode::parse(file.and_then(|f| f.mode.as_deref()).unwrap_or(mode))?;
        let detectors = Detector::parse_list(
            file.and_then(|f| f.detectors.as_deref())
                .unwrap_or(detectors),
        )?;
        let mut rules = Vec::new();
        let mut sources = HashMap::new();
        if let Some(file) = file {
            for rule in &file.rule {
                rules.push(Rule::from_config(rule.clone())?);
            }
            for (source, mode) in &file.sources {
                sources.insert(source.to_ascii_lowercase(), Mode::parse(mode)?);
            }
        }
        Ok(Redaction {
            redactor: Redactor::new(&detectors, rules),
            mode,
            sources,
        })
    }

    /// Redaction as it is when nothing is configured: at display, every detector.
    pub fn default_display() -> Self {
        Redaction {
            redactor: Redactor::new(&Detector::ALL, Vec::new()),
            mode: Mode::Display,
            sources: HashMap::new(),
        }
    }

    pub fn mode(&self, source: &str) -> Mode {
        self.sources
            .get(&source.to_ascii_lowercase())
            .copied()
            .unwrap_or(self.mode)
    }

    /// The installation's own mode, and each source that sets another.
    pub fn modes(&self) -> (Mode, Vec<(String, Mode)>) {
        let mut sources: Vec<_> = self.sources.iter().map(|(s, m)| (s.clone(), *m)).collect();
        sources.sort();
        (self.mode, sources)
    }

    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }
}
