//! Who a delivery says is on its call (see [`Parties`]), read from where
//! each platform puts it. Infer's events name no one.

use serde_json::Value;

use super::platform::Platform;
use crate::model::Parties;

pub fn parties(platform: Platform, body: &Value) -> Parties {
    let at = |pointer: &str| body.pointer(pointer).and_then(Value::as_str);
    match platform {
        Platform::Infer => Parties::default(),
        // Every server message repeats the customer, the assistant (when
        // the call has a saved one) and the number the call came in on.
        Platform::Vapi => Parties {
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
        },
        // `from_number` calls `to_number`: the person is on the far side
        // of the agent, whichever way the call went.
        Platform::Retell => {
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
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::server::app::ingest::platform::fixtures::{load, names};

    fn both(caller: &str, agent: &str) -> Parties {
        Parties {
            caller: Some(caller.into()),
            agent: Some(agent.into()),
        }
    }

    #[test]
    fn every_vapi_fixture_names_the_customer_and_the_line() {
        for name in names("vapi") {
            assert_eq!(
                parties(Platform::Vapi, &load("vapi", &name)),
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
        assert_eq!(parties(Platform::Vapi, &body), both("Jordan", "Ava"));
    }

    #[test]
    fn every_retell_fixture_names_the_caller_and_the_agent() {
        for name in names("retell") {
            // The one outbound call rang +14155550177.
            let caller = match name.as_str() {
                "call_ended_not_connected" => "+14155550177",
                _ => "+14155550142",
            };
            assert_eq!(
                parties(Platform::Retell, &load("retell", &name)),
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
        assert_eq!(
            parties(Platform::Retell, &body),
            both("+14155550199", "+18885550100")
        );
        let web = json!({"event": "call_started", "call": {"call_id": "c", "agent_id": "agent_1"}});
        assert_eq!(
            parties(Platform::Retell, &web),
            Parties {
                caller: None,
                agent: Some("agent_1".into())
            }
        );
    }

    #[test]
    fn infer_events_name_no_one() {
        for name in names("infer") {
            assert_eq!(
                parties(Platform::Infer, &load("infer", &name)),
                Parties::default()
            );
        }
    }
}
