//! Retell's own latency figures (`call.latency`, in `call_analyzed`): per
//! metric, the call's percentiles over its responses. Their medians are
//! the call's latency parts — the silence heard (`e2e`), transcription
//! (`asr`), the LLM (`llm`) and the voice (`tts`) — told as one figure for
//! the whole call (the responses' own values carry no time to place them
//! by).

use serde_json::Value;

use super::Object;
use crate::model::latency::{LatencyPart, PartMs};
use crate::model::EventDetail;
use crate::server::app::platforms::fields::num_field;

/// The call's median latency and parts, when Retell reported them.
pub(super) fn medians(call: &Object) -> Option<EventDetail> {
    let latency = call.get("latency").and_then(Value::as_object)?;
    let p50 = |metric: &str| {
        latency
            .get(metric)
            .and_then(Value::as_object)
            .and_then(|m| num_field(m, &["p50"]))
            .filter(|ms| (0.0..3_600_000.0).contains(ms))
            .map(|ms| ms.round() as i64)
    };
    let parts: Vec<PartMs> = [
        (LatencyPart::Transcription, p50("asr")),
        (LatencyPart::Llm, p50("llm")),
        (LatencyPart::Tts, p50("tts")),
    ]
    .into_iter()
    .filter_map(|(part, ms)| Some(PartMs { part, ms: ms? }))
    .collect();
    let heard_ms = p50("e2e");
    (heard_ms.is_some() || !parts.is_empty()).then(|| EventDetail::Latency {
        response: "call".to_string(),
        heard_ms,
        parts,
    })
}
