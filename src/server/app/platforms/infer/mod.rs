//! Infer: calltrail's own event format on `/webhooks/infer` (one event a
//! delivery), signed the Standard Webhooks way when signatures are on.

mod parse;

use serde_json::Value;

pub use parse::parse;

use super::{Item, Source};
use crate::model::{platform, Parties};

pub const SOURCE: Source = Source {
    info: platform::Platform::new("infer", "Infer"),
    parse: |body| Ok(vec![Item::whole(parse(body)?)]),
    parties,
    secrets: &[],
    verify: None,
    sign: None,
    sample: None,
    connect: None,
    recording: None,
    body_limit: None,
};

/// Infer's events name no one.
fn parties(_: &Value) -> Parties {
    Parties::default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::app::platforms::fixtures::{load, names};

    #[test]
    fn infer_events_name_no_one() {
        for name in names("infer") {
            assert_eq!((SOURCE.parties)(&load("infer", &name)), Parties::default());
        }
    }
}
