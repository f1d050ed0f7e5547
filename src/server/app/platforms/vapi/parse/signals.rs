//! Vapi's messages about the call rather than in it — status changes,
//! speech starts and stops, requests to your server, record keeping — each
//! as the line the timeline shows. Every type Vapi documents has one; a type
//! missing here is truly unknown.

use serde_json::Value;

use super::{transfer_to, Object};
use crate::model::{EventDetail, Role, TransferStage};
use crate::server::app::platforms::fields::str_field;

/// The line for a documented type, or `None` when Vapi never documented it.
pub(super) fn signal(kind: &str, message: &Object) -> Option<EventDetail> {
    let field = |key: &str| str_field(message, &[key]).unwrap_or_default();
    let role = || Role::from_wire(field("role")).label().to_string();
    let line = |text: String| Some(said(kind, text, false));
    let chatter = |text: String| Some(said(kind, text, true));
    match kind {
        "status-update" => status(message),
        "speech-update" => {
            let turn = message.get("turn").and_then(Value::as_i64);
            let turn = turn.map(|t| format!(" (turn {})", t + 1)).unwrap_or_default();
            chatter(format!("{} {} speaking{turn}", role(), field("status")))
        }
        "transcript" | "transcript[transcriptType=\"final\"]" => chatter(format!(
            "{} ({} transcript): {}",
            role(),
            str_field(message, &["transcriptType"]).unwrap_or("partial"),
            field("transcript")
        )),
        "model-output" => chatter(match message.get("output") {
            Some(Value::String(s)) => format!("model output: {s}"),
            _ => "model output".to_string(),
        }),
        "voice-input" => chatter(format!("sent to the voice: {}", field("input"))),
        "assistant.speechStarted" => chatter(format!("agent audio started: {}", field("text"))),
        "voice-request" => chatter("asked your voice server to speak".into()),
        "call.endpointing.request" => chatter("asked your endpointing server".into()),
        "assistant.started" => {
            let name = message
                .get("newAssistant")
                .and_then(Value::as_object)
                .and_then(|a| str_field(a, &["name"]));
            line(match name {
                Some(n) => format!("assistant {n} started"),
                None => "assistant started".into(),
            })
        }
        "assistant-request" => line("asked your server which assistant takes the call".into()),
        "handoff-destination-request" => line("asked your server where to hand the call".into()),
        "knowledge-base-request" => line("asked your knowledge base".into()),
        "language-change-detected" | "language-changed" => {
            line(format!("language changed to {}", field("language")))
        }
        "transfer-destination-request" => Some(transfer_to(message, TransferStage::Requested)),
        "phone-call-control" if field("request") == "forward" => {
            Some(transfer_to(message, TransferStage::Started))
        }
        "phone-call-control" => line("asked your server to hang up".into()),
        "call.deleted" => line("the call record was deleted".into()),
        "call.delete.failed" => line("deleting the call record failed".into()),
        "call.artifact.upload" => line(uploads(message)),
        "chat.created" | "chat.deleted" | "session.created" | "session.updated"
        | "session.deleted" => line(kind.replace('.', " ")),
        "campaign.predial" => line("the campaign asked whether to dial".into()),
        _ => None,
    }
}

fn said(kind: &str, text: String, chatter: bool) -> EventDetail {
    EventDetail::Signal {
        event_type: kind.to_string(),
        text,
        chatter,
    }
}

/// `status-update` other than `ended` (which ends the call): forwarding
/// is a transfer starting, the rest a line.
fn status(message: &Object) -> Option<EventDetail> {
    let status = str_field(message, &["status"]).unwrap_or_default();
    let text = match status {
        "forwarding" => return Some(transfer_to(message, TransferStage::Started)),
        "in-progress" => "call connected",
        "ringing" => "ringing",
        "queued" => "queued",
        "scheduled" => "scheduled",
        "not-found" => "the call was not found",
        "deletion-failed" => "deleting the call failed",
        other => return Some(said("status-update", format!("status: {other}"), false)),
    };
    Some(said("status-update", text.to_string(), false))
}

/// `call.artifact.upload`: how many artifacts reached your storage.
fn uploads(message: &Object) -> String {
    let artifacts = message.get("artifacts").and_then(Value::as_array);
    let (ok, failed): (Vec<_>, Vec<_>) = artifacts
        .into_iter()
        .flatten()
        .partition(|a| a.get("success").and_then(Value::as_bool) == Some(true));
    match failed.len() {
        0 => format!("{} artifacts uploaded", ok.len()),
        n => format!("{} artifacts uploaded, {n} failed", ok.len()),
    }
}
