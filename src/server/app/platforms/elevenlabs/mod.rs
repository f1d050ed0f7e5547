//! ElevenLabs Agents: post-call webhooks on `/webhooks/elevenlabs` (the
//! transcript with tool calls and analysis, the audio, calls that could not
//! be placed), its signed header, and a recorded call to simulate.

mod parse;
pub mod proof;
mod sample;

use serde_json::Value;

use super::{Connect, Source};
use crate::model::{platform, Parties};
pub use parse::recording_path;

pub const SOURCE: Source = Source {
    // Its reports give costs in credits.
    info: platform::Platform::priced("elevenlabs", "ElevenLabs", "credits"),
    parse: parse::parse,
    parties,
    secrets: &[proof::SECRET],
    verify: Some(proof::check),
    sign: Some(proof::sign),
    sample: Some(sample::SAMPLE),
    connect: Some(Connect {
        paste_into: "a workspace webhook (Agents → Settings → Post-call webhooks: transcript and audio)",
        secret_note,
    }),
    recording: Some(parse::recording),
    // A post-call audio delivery carries the whole call as base64 MP3.
    body_limit: Some(64 * 1024 * 1024),
};

/// The caller is the far end of the phone call (for a call that could not
/// be placed, the number dialled); the agent the workspace's agent, by
/// name, else its number.
fn parties(body: &Value) -> Parties {
    let at = |pointer: &str| body.pointer(pointer).and_then(Value::as_str);
    Parties {
        caller: Parties::pick([
            at("/data/metadata/phone_call/external_number"),
            at("/data/metadata/body/to_number"),
            at("/data/metadata/body/To"),
        ]),
        agent: Parties::pick([
            at("/data/agent_name"),
            at("/data/metadata/phone_call/agent_number"),
            at("/data/metadata/body/from_number"),
        ]),
    }
}

fn secret_note(keys: &super::PlatformKeys) -> Option<&'static str> {
    keys.get(&proof::SECRET).map(|_| {
        "Set the webhook's secret in ElevenLabs to the value of CALLTRAIL_ELEVENLABS_SECRET; \
         turn on retries there (they are off by default)."
    })
}
