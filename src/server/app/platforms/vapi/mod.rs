//! Vapi: server messages on `/webhooks/vapi` (`{"message": {…}}`), its
//! secret header or HMAC credential, and a recorded call to simulate.

mod parse;
pub mod proof;
mod sample;

use serde_json::Value;

use super::{Connect, Source};
use crate::model::{platform, Parties};

pub const SOURCE: Source = Source {
    // Its reports give costs in US dollars.
    info: platform::Platform::priced("vapi", "Vapi", "USD"),
    parse: parse::parse,
    parties,
    secrets: &[proof::SECRET, proof::HMAC_SECRET],
    verify: Some(proof::check),
    sign: Some(proof::sign),
    sample: Some(sample::SAMPLE),
    connect: Some(Connect {
        paste_into:
            "the assistant's Server URL (Advanced → Server Settings), or the phone number's",
        secret_note,
    }),
    recording: None,
    body_limit: None,
};

/// Every server message repeats the customer, the assistant (when the call
/// has a saved one) and the number the call came in on.
fn parties(body: &Value) -> Parties {
    let at = |pointer: &str| body.pointer(pointer).and_then(Value::as_str);
    Parties {
        caller: Parties::pick([
            at("/message/customer/number"),
            at("/message/call/customer/number"),
            at("/message/customer/name"),
            at("/message/call/customer/name"),
        ]),
        agent: Parties::pick([
            at("/message/assistant/name"),
            at("/message/call/assistant/name"),
            at("/message/phoneNumber/name"),
            at("/message/phoneNumber/number"),
        ]),
    }
}

fn secret_note(keys: &super::PlatformKeys) -> Option<&'static str> {
    match (keys.get(&proof::SECRET), keys.get(&proof::HMAC_SECRET)) {
        (Some(_), Some(_)) => Some("Send CALLTRAIL_VAPI_SECRET as the X-Vapi-Secret header, and sign with an HMAC credential (SHA-256, default headers) whose secret is CALLTRAIL_VAPI_HMAC_SECRET."),
        (Some(_), None) => Some("Set the server's secret (or a bearer credential sent as X-Vapi-Secret, without prefix) to the value of CALLTRAIL_VAPI_SECRET."),
        (None, Some(_)) => Some("Attach an HMAC credential (SHA-256, default headers and format) whose secret is CALLTRAIL_VAPI_HMAC_SECRET."),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::server::app::platforms::fixtures::{both, load, names};

    #[test]
    fn every_vapi_fixture_names_the_customer_and_the_line() {
        for name in names("vapi") {
            assert_eq!(
                parties(&load("vapi", &name)),
                both("+14155550142", "Northwind Support Line"),
                "{name}"
            );
        }
    }

    #[test]
    fn a_vapi_assistant_name_wins_over_the_line() {
        let body = json!({"message": {
            "type": "hang",
            "assistant": {"name": "Ava"},
            "call": {"id": "c", "customer": {"name": "Jordan"}},
            "phoneNumber": {"number": "+18885550100"},
        }});
        assert_eq!(parties(&body), both("Jordan", "Ava"));
    }
}
