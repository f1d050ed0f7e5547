//! The voice platforms as the dashboard names them. Each is defined once, in
//! its folder under `server::app::platforms`; the server hands the list to
//! the pages as [`Platforms`] (the browser bundle, which has no server code,
//! receives it with the first page it hydrates).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// A voice platform calltrail takes webhooks from, or a framework whose
/// traces it takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    /// Stored with its deliveries and calls; a platform's route is
    /// `/webhooks/{name}`.
    pub name: Cow<'static, str>,
    /// How the dashboard names it.
    pub label: Cow<'static, str>,
    /// The currency its reports' costs are in (ISO 4217), when it says.
    #[serde(default)]
    pub currency: Option<Cow<'static, str>>,
    /// It sends OpenTelemetry traces (to `/v1/traces`), not webhooks.
    #[serde(default)]
    pub traced: bool,
}

impl Platform {
    pub const fn new(name: &'static str, label: &'static str) -> Platform {
        Platform {
            name: Cow::Borrowed(name),
            label: Cow::Borrowed(label),
            currency: None,
            traced: false,
        }
    }

    /// A framework that sends its calls as OpenTelemetry traces.
    pub const fn traced(name: &'static str, label: &'static str) -> Platform {
        Platform {
            name: Cow::Borrowed(name),
            label: Cow::Borrowed(label),
            currency: None,
            traced: true,
        }
    }

    /// A platform whose reports give costs in `currency`.
    pub const fn priced(
        name: &'static str,
        label: &'static str,
        currency: &'static str,
    ) -> Platform {
        Platform {
            name: Cow::Borrowed(name),
            label: Cow::Borrowed(label),
            currency: Some(Cow::Borrowed(currency)),
            traced: false,
        }
    }

    /// Where its webhooks (or traces) are posted.
    pub fn route(&self) -> String {
        match self.traced {
            true => "/v1/traces".to_string(),
            false => format!("/webhooks/{}", self.name),
        }
    }
}

/// The platforms this server knows, in the dashboard's order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platforms(pub Vec<Platform>);

impl Platforms {
    /// How the dashboard names the platform a call came from: its label,
    /// or the stored name itself for one this server does not know.
    pub fn label<'a>(&'a self, source: &'a str) -> &'a str {
        self.0
            .iter()
            .find(|p| p.name == source)
            .map_or(source, |p| &p.label)
    }

    /// A cost of a call from `source`, with its currency where the platform
    /// says which: `$0.42`, `0.42 EUR`, or `0.42` when it does not.
    pub fn cost(&self, source: &str, amount: f64) -> String {
        let currency = self
            .0
            .iter()
            .find(|p| p.name == source)
            .and_then(|p| p.currency.as_deref());
        match currency {
            Some("USD") => format!("${amount:.2}"),
            Some(c) => format!("{amount:.2} {c}"),
            None => format!("{amount:.2}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_sources_read_as_their_labels_and_others_as_they_are() {
        let retell = Platform::new("retell", "Retell");
        assert_eq!(retell.route(), "/webhooks/retell");
        let known = Platforms(vec![Platform::new("vapi", "Vapi"), retell]);
        assert_eq!(known.label("retell"), "Retell");
        assert_eq!(known.label("vapi"), "Vapi");
        assert_eq!(known.label("pbx-9"), "pbx-9");
        assert_eq!(Platforms::default().label("vapi"), "vapi");
    }

    #[test]
    fn costs_carry_their_currency_where_the_platform_says() {
        let known = Platforms(vec![
            Platform::priced("vapi", "Vapi", "USD"),
            Platform::priced("x", "X", "EUR"),
            Platform::new("infer", "Infer"),
        ]);
        assert_eq!(known.cost("vapi", 0.4213), "$0.42");
        assert_eq!(known.cost("x", 1.5), "1.50 EUR");
        assert_eq!(known.cost("infer", 0.1), "0.10");
    }
}
