//! LiveKit Agents: a session's spans on `/v1/traces` (instrumentation
//! scope `livekit-agents`), from 1.5 to 1.8. What the caller said is a
//! `user_turn`'s transcript; what the agent said, each `tts_request`'s
//! input text (one per step, a greeting from `say()` included); a
//! `function_tool` is a tool call with its arguments and output; an
//! `agent_turn` with `lk.interrupted` is cut where it ended, its text the
//! part heard; `session_close`'s `lk.close_reason` ends the call (before
//! 1.8, the end of `agent_session`). 1.7 moved twelve `lk.*` names under
//! `lk.pii.*`: both are read, the newer first.

mod map;

use super::spans::Tracer;
use crate::model::platform;

pub const TRACER: Tracer = Tracer {
    info: platform::Platform::traced("livekit", "LiveKit Agents"),
    scopes: &["livekit-agents"],
    spans: map::SPANS,
    attributes: map::ATTRIBUTES,
    map: map::map,
    sample: include_str!("fixtures/session.json"),
    connect: "in the agent, call set_tracer_provider (livekit.agents.telemetry) with a TracerProvider \
              whose BatchSpanProcessor holds an OTLPSpanExporter (opentelemetry-exporter-otlp-proto-http)",
};
