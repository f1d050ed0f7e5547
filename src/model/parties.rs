//! Who is on a call, as far as the platform's payloads say: the person (the
//! caller, or whom an outbound call rang) and the agent. Infer's events name
//! neither; Vapi's and Retell's carry both on every delivery.

use serde::{Deserialize, Serialize};

use super::CallSummary;

/// The longest name or number kept; anything longer is cut at a character.
const MAX_CHARS: usize = 120;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parties {
    /// The person's number, else their name.
    pub caller: Option<String>,
    /// The agent's name, else the number it answers on.
    pub agent: Option<String>,
}

impl Parties {
    /// The first of `candidates` with something in it, trimmed and capped.
    pub fn pick<'a>(candidates: impl IntoIterator<Item = Option<&'a str>>) -> Option<String> {
        candidates
            .into_iter()
            .flatten()
            .map(str::trim)
            .find(|s| !s.is_empty())
            .map(|s| s.chars().filter(|c| !hidden(*c)).take(MAX_CHARS).collect())
    }
}

/// Control characters, and the ones that reorder text on screen (a name
/// could otherwise show as something it is not).
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

impl CallSummary {
    /// Takes in who a delivery says is on the call. The first delivery that
    /// names a party decides it; a later one only fills what is missing.
    pub fn meet(&mut self, parties: &Parties) {
        if self.caller.is_none() {
            self.caller.clone_from(&parties.caller);
        }
        if self.agent.is_none() {
            self.agent.clone_from(&parties.agent);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventDetail, TimelineItem};

    fn call() -> CallSummary {
        CallSummary::new(
            "vapi",
            &TimelineItem {
                id: 1,
                call_id: "c".into(),
                occurred_at: 1_000,
                seconds_from_start: None,
                received_at: 1_000,
                detail: EventDetail::Unknown {
                    event_type: "status-update".into(),
                },
                raw: "{}".into(),
                clipped: false,
            },
        )
    }

    fn parties(caller: Option<&str>, agent: Option<&str>) -> Parties {
        Parties {
            caller: caller.map(str::to_string),
            agent: agent.map(str::to_string),
        }
    }

    #[test]
    fn the_first_named_party_stays_and_later_ones_fill_gaps() {
        let mut c = call();
        let named = |c: &CallSummary| (c.caller.clone(), c.agent.clone());
        assert_eq!(named(&c), (None, None));
        c.meet(&parties(Some("+14155550142"), None));
        assert_eq!(named(&c), (Some("+14155550142".into()), None));
        c.meet(&parties(Some("+19995550000"), Some("Ava")));
        assert_eq!(named(&c), (Some("+14155550142".into()), Some("Ava".into())));
        c.meet(&Parties::default());
        assert_eq!(named(&c), (Some("+14155550142".into()), Some("Ava".into())));
    }

    #[test]
    fn pick_skips_blanks_and_caps_length() {
        assert_eq!(
            Parties::pick([None, Some("  "), Some(" Ava ")]).as_deref(),
            Some("Ava")
        );
        assert_eq!(Parties::pick([None, Some("")]), None);
        let long = "x".repeat(500);
        assert_eq!(
            Parties::pick([Some(long.as_str())]).unwrap().len(),
            MAX_CHARS
        );
        assert_eq!(Parties::pick([Some("A\u{7}va")]).as_deref(), Some("Ava"));
        assert_eq!(Parties::pick([Some("\u{202E}avA")]).as_deref(), Some("avA"));
    }
}
