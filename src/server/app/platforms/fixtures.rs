//! Each platform's fixtures (`<platform>/fixtures/`), for the tests.

use serde_json::Value;

use crate::model::Parties;

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

/// The names of every fixture of `platform`.
pub fn names(platform: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir(platform))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|n| n.strip_suffix(".json").map(str::to_string))
        .collect();
    names.sort();
    names
}

/// A call's parties, both named.
pub fn both(caller: &str, agent: &str) -> Parties {
    Parties {
        caller: Some(caller.into()),
        agent: Some(agent.into()),
    }
}
