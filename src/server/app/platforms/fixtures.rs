//! Each platform's fixtures (`<platform>/fixtures/`), for the tests.

use serde_json::Value;

use crate::model::{EventDetail, Parties, Role};

fn dir(platform: &str) -> String {
    format!(
        "{}/src/server/app/platforms/{platform}/fixtures",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// `tests/fixtures/<platform>/<name>.json`, parsed.
pub fn load(platform: &str, name: &str) -> Value {
    let path = format!("{}/{name}.json", dir(platform));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// The dedup keys of the events a fixture of `platform` makes, in order.
pub fn keys(platform: super::Platform, name: &str) -> Vec<String> {
    platform
        .parse(&load(platform.source(), name))
        .unwrap()
        .into_iter()
        .filter_map(|i| i.key)
        .collect()
}

/// The names of every fixture of `platform` (none when it has no folder).
pub fn names(platform: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir(platform)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|n| n.strip_suffix(".json").map(str::to_string))
        .collect();
    names.sort();
    names
}

/// What the agent says first in each platform's recorded call.
pub const GREETING: &str =
    "Thanks for calling Northwind Outfitters, this is Ava. How can I help you today?";

/// The agent saying `text`.
pub fn agent_says(text: &str) -> EventDetail {
    EventDetail::Message {
        role: Role::Agent,
        text: text.into(),
    }
}

/// A call's parties, both named.
pub fn both(caller: &str, agent: &str) -> Parties {
    Parties {
        caller: Some(caller.into()),
        agent: Some(agent.into()),
    }
}

#[test]
fn every_fixture_parses_into_events_of_its_call() {
    for &platform in super::ALL {
        for name in names(platform.source()) {
            let items = platform.parse(&load(platform.source(), &name)).unwrap();
            assert!(!items.is_empty(), "{name}");
            let call = &items[0].event.call_id;
            assert!(items.iter().all(|i| &i.event.call_id == call), "{name}");
        }
    }
}
