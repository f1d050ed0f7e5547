//! Redaction as events arrive: at ingest, what is stored holds only the
//! redacted text; at display, what would be redacted is counted (the call's
//! count of marks, and `has:redacted`) and the text is stored whole.

use super::{Mode, Redaction};
use crate::server::store::{NewDelivery, NewEvent};

impl Redaction {
    /// Readies a delivery's events for storing under its source's mode.
    pub fn on_ingest(&self, delivery: &mut NewDelivery, events: &mut [&mut NewEvent]) {
        let source = delivery.source.clone();
        match self.mode(&source) {
            Mode::Off => {}
            Mode::Display => {
                for event in events {
                    let (mut detail, mut parties) = (event.detail.clone(), event.parties.clone());
                    event.redactions =
                        self.detail(&source, &mut detail) + self.parties(&source, &mut parties);
                }
            }
            Mode::Ingest => {
                for event in events {
                    event.redactions = self.detail(&source, &mut event.detail)
                        + self.parties(&source, &mut event.parties);
                    event.raw = self.body(&source, &event.raw).0;
                }
                self.refused_body(delivery);
            }
        }
    }

    /// A delivery's own body (a refused one's, or a batch's) under its
    /// source's mode: redacted before it is stored at ingest.
    pub fn refused_body(&self, delivery: &mut NewDelivery) {
        if self.mode(&delivery.source) != Mode::Ingest || delivery.body.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&delivery.body).into_owned();
        let (redacted, marks) = self.body(&delivery.source, &text);
        if marks > 0 {
            delivery.body = redacted.into_bytes();
        }
    }
}
