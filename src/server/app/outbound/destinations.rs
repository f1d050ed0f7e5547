//! A forwarding destination as someone asks for it — the automations form
//! or the API — checked before it is kept: a name, an http(s) URL that is
//! not private (unless allowed), a signing secret that reads, event kinds
//! calltrail forwards, and a condition that compiles.

use crate::model::{Condition, FormError, MatchOp, FORWARD_KINDS};
use crate::server::app::alerts::condition::Compiled;
use crate::server::app::outbound::guard::{check_url, GuardError};
use crate::server::app::webhook_auth::SigningKey;
use crate::server::store::automation::DestinationSettings;

/// A destination as asked for, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct DestinationRequest {
    pub name: Option<String>,
    pub url: Option<String>,
    pub secret: Option<String>,
    pub events: Vec<String>,
    pub condition: Option<ConditionRequest>,
    pub redact: bool,
}

/// A condition as asked for: a field (the event's text when none), a
/// comparison (`contains` when none) and a value.
#[derive(Debug, Clone, Default)]
pub struct ConditionRequest {
    pub field: Option<String>,
    pub op: Option<String>,
    pub value: String,
}

/// The destination to keep, or why not.
pub fn checked(
    request: DestinationRequest,
    allow_private: bool,
) -> Result<DestinationSettings, FormError> {
    let blank = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let name = blank(request.name).ok_or(FormError::DestinationNeedsName)?;
    let url = blank(request.url).ok_or(FormError::DestinationNeedsUrl)?;
    check_url(&url, allow_private).map_err(|e| refused_url(&e))?;
    let secret = blank(request.secret);
    if let Some(s) = &secret {
        SigningKey::parse(s).map_err(|_| FormError::SecretInvalid)?;
    }
    if let Some(unknown) = request.events.iter().find(|e| !is_forward_kind(e)) {
        tracing::debug!(kind = %unknown, "a destination named an unknown kind");
        return Err(FormError::UnknownKind);
    }
    let condition = match request.condition {
        None => None,
        Some(asked) => {
            let op = match asked.op.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
                None => MatchOp::Contains,
                Some(op) => MatchOp::parse(op).ok_or(FormError::UnknownComparison)?,
            };
            let condition = Condition {
                field: blank(asked.field),
                op,
                value: asked.value,
            };
            Compiled::new(&condition).map_err(|_| FormError::PatternInvalid)?;
            Some(condition)
        }
    };
    Ok(DestinationSettings {
        name,
        url,
        events: request.events,
        condition,
        secret,
        redact: request.redact,
    })
}

/// Why a URL a form or the API gave was refused, as the person is told.
pub fn refused_url(e: &GuardError) -> FormError {
    tracing::info!(error = %e, "a URL was refused");
    match e {
        GuardError::NotUrl(_) | GuardError::Scheme | GuardError::NoHost => FormError::UrlInvalid,
        GuardError::NotHost(_) | GuardError::Unresolved(_) => FormError::HostInvalid,
        GuardError::Private(_) | GuardError::PrivateName(_) => FormError::AddressPrivate,
    }
}

/// A kind a destination can take: calltrail's own, or one of Infer's event
/// types (which destinations named before there were kinds).
fn is_forward_kind(name: &str) -> bool {
    const INFER_TYPES: [&str; 7] = [
        "conversation-update",
        "tool-call",
        "user-interrupted",
        "hang-notification",
        "transfer-call",
        "end-call",
        "end-of-call-report",
    ];
    FORWARD_KINDS.iter().any(|(kind, _)| *kind == name) || INFER_TYPES.contains(&name)
}
