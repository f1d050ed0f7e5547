//! Retell: events on `/webhooks/retell` (`{"event", "call"}`), its signed
//! header, and a recorded call to simulate.

mod parse;
pub mod proof;
mod sample;

use serde_json::Value;

use super::{Connect, Source};
use crate::model::{platform, Parties};

pub const SOURCE: Source = Source {
    // Its reports give costs in US dollars.
    info: platform::Platform::priced("retell", "Retell", "USD"),
    parse: parse::parse,
    parties,
    secrets: &[proof::API_KEY],
    verify: Some(proof::check),
    sign: Some(proof::sign),
    sample: Some(sample::SAMPLE),
    connect: Some(Connect {
        paste_into: "the agent's Webhook URL (or the account's, under Settings → Webhooks)",
        secret_note,
    }),
    recording: None,
    body_limit: None,
};

/// `from_number` calls `to_number`: the person is on the far side of the
/// agent, whichever way the call went.
fn parties(body: &Value) -> Parties {
    let at = |pointer: &str| body.pointer(pointer).and_then(Value::as_str);
    let call = if body.get("call").is_some() {
        "/call"
    } else {
        "/data"
    };
    let field = |name: &str| at(&format!("{call}/{name}"));
    let outbound = field("direction") == Some("outbound");
    let (theirs, ours) = if outbound {
        ("to_number", "from_number")
    } else {
        ("from_number", "to_number")
    };
    Parties {
        caller: Parties::pick([field(theirs)]),
        agent: Parties::pick([field("agent_name"), field(ours), field("agent_id")]),
    }
}

fn secret_note(keys: &super::PlatformKeys) -> Option<&'static str> {
    keys.get(&proof::API_KEY).map(|_| {
        "Signatures are verified with CALLTRAIL_RETELL_API_KEY: use the API key that carries the webhook badge."
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::server::app::platforms::fixtures::{both, load, names};

    #[test]
    fn every_retell_fixture_names_the_caller_and_the_agent() {
        for name in names("retell") {
            // The one outbound call rang +14155550177.
            let caller = match name.as_str() {
                "call_ended_not_connected" => "+14155550177",
                _ => "+14155550142",
            };
            assert_eq!(
                parties(&load("retell", &name)),
                both(caller, "Northwind Support (Ava)"),
                "{name}"
            );
        }
    }

    #[test]
    fn an_outbound_retell_call_names_whom_it_rang() {
        let body = json!({"event": "call_started", "data": {
            "call_id": "c", "direction": "outbound", "agent_id": "agent_1",
            "from_number": "+18885550100", "to_number": "+14155550199",
        }});
        assert_eq!(parties(&body), both("+14155550199", "+18885550100"));
        let web = json!({"event": "call_started", "call": {"call_id": "c", "agent_id": "agent_1"}});
        assert_eq!(
            parties(&web),
            Parties {
                caller: None,
                agent: Some("agent_1".into())
            }
        );
    }
}
