//! Why a sign-in failed. Texts are short sentences fit for a log line or an
//! error page; they never carry secrets, codes or token contents.

use openidconnect::{ClaimsVerificationError, DiscoveryError, RequestTokenError};

#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum SsoError {
    /// The provider's metadata or keys could not be fetched or understood.
    #[error("Could not discover the identity provider: {0}.")]
    Discovery(String),
    /// The returned `state` is not this session's: a forged or stale callback.
    #[error("The sign-in response does not belong to this session.")]
    WrongState,
    /// The token endpoint did not give us tokens for the code.
    #[error("The identity provider did not accept the sign-in: {0}.")]
    Exchange(String),
    /// The ID token was issued for another sign-in attempt.
    #[error("The ID token was issued for another sign-in attempt.")]
    WrongNonce,
    /// The ID token's `exp` has passed.
    #[error("The ID token has expired.")]
    Expired,
    /// The ID token's `iss` is not the configured issuer.
    #[error("The ID token comes from an unexpected issuer.")]
    WrongIssuer,
    /// No key of the provider's JWKS verifies the token (forged, or keys rotated).
    #[error("The ID token's signature is not valid.")]
    BadSignature,
    /// Any other defect of the token response or the ID token.
    #[error("The ID token is not valid: {0}.")]
    InvalidToken(String),
}

impl SsoError {
    /// Discovery failures; messages name the URL or the parse problem only.
    pub(super) fn discovery<E: std::error::Error>(err: DiscoveryError<E>) -> Self {
        let why = match err {
            DiscoveryError::Request(e) => format!("request failed ({})", chain(&e)),
            DiscoveryError::Response(status, _, _) => format!("it answered HTTP {status}"),
            DiscoveryError::Parse(e) => format!("unreadable metadata at {}", e.path()),
            DiscoveryError::Validation(why) => why,
            DiscoveryError::UrlParse(e) => format!("bad URL ({e})"),
            DiscoveryError::Other(why) => why,
            _ => "unknown error".to_owned(),
        };
        SsoError::Discovery(why)
    }

    /// Token endpoint failures. The response body is never echoed: on a
    /// parse error it may hold the very tokens we failed to read.
    pub(super) fn exchange<RE, T>(err: RequestTokenError<RE, T>) -> Self
    where
        RE: std::error::Error + 'static,
        T: openidconnect::ErrorResponse + 'static,
    {
        let why = match err {
            // e.g. `invalid_grant` (used, expired or PKCE-mismatched code).
            RequestTokenError::ServerResponse(e) => format!("it answered {e}"),
            RequestTokenError::Request(e) => format!("request failed ({})", chain(&e)),
            RequestTokenError::Parse(e, _body) => format!("unreadable answer at {}", e.path()),
            RequestTokenError::Other(why) => why,
        };
        SsoError::Exchange(why)
    }

    /// ID token verification failures, one variant per check we care about.
    pub(super) fn claims(err: ClaimsVerificationError) -> Self {
        match err {
            ClaimsVerificationError::Expired(_) => SsoError::Expired,
            ClaimsVerificationError::InvalidIssuer(_) => SsoError::WrongIssuer,
            ClaimsVerificationError::InvalidNonce(_) => SsoError::WrongNonce,
            ClaimsVerificationError::SignatureVerification(_) => SsoError::BadSignature,
            ClaimsVerificationError::InvalidAudience(_) => {
                SsoError::InvalidToken("it was issued to another client".to_owned())
            }
            other => SsoError::InvalidToken(other.to_string()),
        }
    }
}

/// An error and its sources on one line (reqwest hides the cause otherwise).
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
