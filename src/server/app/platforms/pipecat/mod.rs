//! Pipecat: a conversation's spans on `/v1/traces` — `conversation` →
//! `turn` → `stt` / `llm` / `tts` (pipecat-ai 1.x, `enable_tracing`). What
//! the caller said is the stt span's `transcript`; what the agent said, the
//! llm span's `output`; a tool call shows only in the next llm span's
//! `input` (the assistant's `tool_calls`, then the `tool` message with its
//! result); a barge-in is a tts span with `tts.interrupted` (a turn's
//! `turn.was_interrupted` is also set on the turn open when the call ends).
//! Realtime services send `llm_tool_call` / `llm_tool_result` spans.

mod map;

use super::spans::Tracer;
use crate::model::platform;

pub const TRACER: Tracer = Tracer {
    info: platform::Platform::traced("pipecat", "Pipecat"),
    scopes: &["pipecat", "pipecat.turn", "pipecat.conversation"],
    spans: &[
        "conversation",
        "turn",
        "stt",
        "llm",
        "tts",
        "llm_tool_call",
        "llm_tool_result",
        "llm_setup",
        "llm_request",
        "llm_response",
    ],
    attributes: map::ATTRIBUTES,
    map: map::map,
    sample: include_str!("fixtures/session.json"),
    connect: "call setup_tracing(service_name=…, exporter=OTLPSpanExporter()) and create the \
              pipeline task with enable_tracing=True (and a conversation_id, to find the call)",
};
