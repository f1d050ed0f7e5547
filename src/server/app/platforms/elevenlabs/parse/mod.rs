//! ElevenLabs Agents' post-call webhooks (`{"type", "event_timestamp",
//! "data"}`), normalized. The transcript comes once, whole, after the call:
//! each row is keyed by its place in it, each tool call by its
//! `request_id` (its result sits on a later row with the same id), so a
//! retried delivery stores nothing twice. A row's time is the call's start
//! plus its `time_in_call_secs`.

mod otel;
mod transcript;

use serde_json::{Map, Value};

use crate::model::EventDetail;
use crate::server::app::platforms::fields::{num_field, str_field};
use crate::server::app::platforms::{valid_call_id, Item, ParseError, ParsedEvent, Recording};

type Object = Map<String, Value>;

/// Where a call's recording is served from, once its audio arrived.
pub fn recording_path(call_id: &str) -> String {
    format!(
        "{}elevenlabs/{}",
        crate::model::RECORDINGS,
        percent_encoding::utf8_percent_encode(call_id, percent_encoding::NON_ALPHANUMERIC)
    )
}

/// The MP3 a `post_call_audio` delivery carries (`data.full_audio`, base64).
pub fn recording(body: &Value) -> Option<Recording> {
    use base64::Engine as _;
    let audio = body.pointer("/data/full_audio")?.as_str()?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(audio.trim()).ok()?;
    Some(Recording {
        content_type: "audio/mpeg",
        bytes,
    })
}

pub fn parse(body: &Value) -> Result<Vec<Item>, ParseError> {
    let obj = body.as_object().ok_or(ParseError::NotAnObject)?;
    let kind = str_field(obj, &["type"]).unwrap_or("");
    let data = obj
        .get("data")
        .and_then(Value::as_object)
        .ok_or(ParseError::Envelope("`data`", "ElevenLabs post-call webhooks"))?;
    let call_id = valid_call_id(data.get("conversation_id"))?;
    let sent_at = num_field(obj, &["event_timestamp"]).map(|s| (s * 1000.0) as i64);
    let event = |occurred_at: Option<i64>, detail: EventDetail| ParsedEvent {
        call_id: call_id.clone(),
        occurred_at,
        seconds_from_start: None,
        detail,
    };
    Ok(match kind {
        "post_call_transcription" => transcript::items(&call_id, data),
        "post_call_transcription_otel" => otel::items(&call_id, data)?,
        "post_call_audio" => {
            let has_audio = str_field(data, &["full_audio"]).is_some_and(|a| !a.is_empty());
            let detail = EventDetail::Report {
                summary: None,
                transcript: None,
                recording_url: has_audio.then(|| recording_path(&call_id)),
                stereo_recording_url: None,
                duration_ms: None,
                ended_reason: None,
                cost: None,
                started_at: None,
                success: None,
                sentiment: None,
                turns: Vec::new(),
            };
            vec![Item::keyed(event(sent_at, detail), "audio")]
        }
        "call_initiation_failure" => {
            let (reason, said) = failure(data);
            let end = EventDetail::End {
                ended_by: Some(reason),
            };
            vec![
                Item::keyed(event(sent_at, said), "failure"),
                Item::keyed(event(sent_at, end), "end"),
            ]
        }
        other => vec![Item::whole(event(
            sent_at,
            EventDetail::Unknown {
                event_type: other.to_string(),
            },
        ))],
    })
}

/// A call that never connected: ElevenLabs' reason (`busy`, `no-answer`),
/// and a line saying so with what the carrier said.
fn failure(data: &Object) -> (String, EventDetail) {
    let reason = str_field(data, &["failure_reason"]).unwrap_or("unknown");
    let body = data
        .get("metadata")
        .and_then(|m| m.get("body"))
        .and_then(Value::as_object);
    let carrier = body.and_then(|b| {
        str_field(b, &["error_reason", "sip_status", "CallStatus"])
            .map(str::to_string)
            .or_else(|| num_field(b, &["sip_status_code"]).map(|c| format!("SIP {c}")))
    });
    let text = match carrier {
        Some(carrier) => format!("the call could not be placed: {reason} ({carrier})"),
        None => format!("the call could not be placed: {reason}"),
    };
    let said = EventDetail::Signal {
        event_type: "call_initiation_failure".to_string(),
        text,
        chatter: false,
    };
    (reason.to_string(), said)
}

#[cfg(test)]
mod tests;
