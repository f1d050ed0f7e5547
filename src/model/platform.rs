//! The voice platforms as the dashboard shows them: the name stored with
//! their calls (and their webhook route's last segment) and the label a
//! person reads. The server pairs each with its folder in
//! `server::app::platforms` (a test checks the two lists agree); the
//! browser, which has no server code, reads labels from here.

/// A voice platform calltrail takes webhooks from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Platform {
    /// Stored with its deliveries and calls; its route is `/webhooks/{name}`.
    pub name: &'static str,
    /// How the dashboard names it.
    pub label: &'static str,
}

pub const INFER: Platform = Platform {
    name: "infer",
    label: "Infer",
};
pub const VAPI: Platform = Platform {
    name: "vapi",
    label: "Vapi",
};
pub const RETELL: Platform = Platform {
    name: "retell",
    label: "Retell",
};

/// Every platform, in the dashboard's order; the first is the primary one.
pub const ALL: [Platform; 3] = [INFER, VAPI, RETELL];

impl Platform {
    /// Where its webhooks are posted.
    pub fn route(self) -> String {
        format!("/webhooks/{}", self.name)
    }

    /// The platform a stored source names.
    pub fn named(name: &str) -> Option<Platform> {
        ALL.into_iter().find(|p| p.name == name)
    }
}

/// How the dashboard names the platform a call came from: its label, or
/// the stored name itself for one this build does not know.
pub fn label(source: &str) -> &str {
    Platform::named(source).map_or(source, |p| p.label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_sources_read_as_their_labels_and_others_as_they_are() {
        assert_eq!(label("retell"), "Retell");
        assert_eq!(label("vapi"), "Vapi");
        assert_eq!(label("pbx-9"), "pbx-9");
        assert_eq!(RETELL.route(), "/webhooks/retell");
    }
}
