//! Why a call ended, in words: the platforms' end-reason codes
//! (`customer-ended-call`, `dial_no_answer`, `pipeline-error-openai-llm-failed`)
//! as a person reads them. The code itself stays what is stored, searched
//! and shown on hover.

mod table;

use table::{PROVIDER_FAULTS, REASONS, SUFFIXES};

/// What an end-reason code means, in a few words. A code no table knows
/// reads as its words (`some-new-reason` → "some new reason").
pub fn describe(code: &str) -> String {
    match known(code) {
        Some(words) => words.to_string(),
        None => provider_failure(code.trim()).unwrap_or_else(|| super::words(code.trim())),
    }
}

/// The words for a documented code, if it is one.
pub fn known(code: &str) -> Option<&'static str> {
    let code = code.trim();
    REASONS
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, words)| *words)
}

/// How a call that ended with `code` ended, once, in words: the
/// documented meaning ("the caller hung up"), "ended by user" for a code
/// that names who (Infer's `user`, `agent`), else the code's words.
pub fn outcome(code: &str) -> String {
    match (known(code), party(code)) {
        (Some(words), _) => words.to_string(),
        (None, Some(who)) => format!("ended by {who}"),
        (None, None) => describe(code),
    }
}

/// The code when it names who ended the call (`user`, `agent`) rather than
/// why, and is no documented reason.
pub fn party(code: &str) -> Option<&str> {
    let code = code.trim();
    let who = !code.is_empty() && code.chars().all(|c| c.is_ascii_alphabetic());
    (who && known(code).is_none()).then_some(code)
}

/// Every documented end-reason code with its words, in the table's order
/// (grouped by platform and kind): what a rule's list of normal endings
/// is picked from.
pub fn documented() -> impl Iterator<Item = (&'static str, &'static str)> {
    REASONS.iter().copied()
}

/// Whether a call that ended with `code` was handed to someone else.
pub fn is_transfer(code: &str) -> bool {
    matches!(
        code.trim(),
        "call_transfer"
            | "transfer_bridged"
            | "assistant-forwarded-call"
            | "assistant-request-returned-forwarding-phone-number"
    )
}

/// `pipeline-error-<provider>-<failure>` and Vapi's fault-tagged forms:
/// "openai failed: bad credentials (your key)".
fn provider_failure(code: &str) -> Option<String> {
    let (rest, whose) = PROVIDER_FAULTS
        .iter()
        .find_map(|(prefix, whose)| Some((code.strip_prefix(prefix)?, *whose)))?;
    let (suffix, words) = SUFFIXES.iter().find(|(s, _)| rest.ends_with(s))?;
    let provider = rest[..rest.len() - suffix.len()].trim_end_matches('-');
    let who = if provider.is_empty() {
        String::new()
    } else {
        format!("{}: ", super::words(provider))
    };
    Some(format!("{who}{words} ({whose})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_read_as_words() {
        assert_eq!(describe("customer-ended-call"), "the caller hung up");
        assert_eq!(describe("dial_no_answer"), "no answer");
        assert_eq!(
            describe("silence-timed-out"),
            "ended after too long a silence"
        );
    }

    #[test]
    fn provider_failures_name_provider_failure_and_fault() {
        assert_eq!(
            describe("pipeline-error-openai-401-incorrect-api-key"),
            "openai: bad credentials (your key)"
        );
        assert_eq!(
            describe("call.in-progress.error-providerfault-deepgram-returning-502-network-error"),
            "deepgram: provider outage or network error (the provider's fault)"
        );
        assert_eq!(
            describe("call.in-progress.error-vapifault-eleven-labs-voice-failed"),
            "eleven labs: the voice failed (the platform's fault)"
        );
    }

    #[test]
    fn unknown_codes_read_as_their_words() {
        assert_eq!(describe("brand-new_reason"), "brand new reason");
    }

    #[test]
    fn transfers_are_told_apart_from_cancelled_ones() {
        assert!(is_transfer("call_transfer"));
        assert!(is_transfer("assistant-forwarded-call"));
        assert!(!is_transfer("transfer_cancelled"));
        assert!(!is_transfer("customer-ended-call-during-transfer"));
    }
}
