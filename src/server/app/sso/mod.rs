//! Single sign-on through OpenID Connect (authorization code flow + PKCE).
//!
//! calltrail is the relying party: [`Sso::discover`] reads the provider's
//! metadata and keys once, [`Sso::begin`] builds the redirect to the provider
//! and the [`Pending`] record the caller keeps in the user's server-side
//! session, and [`Sso::finish`] turns the provider's answer (`state`, `code`)
//! into a verified [`Identity`].
//!
//! All JWT/JWS work (signature against the JWKS, `iss`, `aud`, `exp`, `nonce`)
//! is done by the `openidconnect` crate; this module only wires it up, picks
//! the claims calltrail needs and maps failures to [`SsoError`].

mod claims;
mod error;
mod flow;
mod sign_on;

use serde::{Deserialize, Serialize};

pub use error::SsoError;
pub use flow::Sso;
pub use sign_on::{AccountError, SignOn};

/// How to reach one OpenID Provider, from calltrail's settings.
#[derive(Clone)]
pub struct ProviderSettings {
    /// Issuer identifier, e.g. `https://id.example.com/realms/main`. Discovery
    /// reads `<issuer>/.well-known/openid-configuration`; plain `http` is
    /// accepted (tests, providers behind a local proxy).
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// calltrail's callback URL, registered at the provider.
    pub redirect_url: String,
    /// ID token claim holding the user's groups (e.g. `"groups"`); `None`
    /// means groups are not read at all.
    pub groups_claim: Option<String>,
    /// Scopes beyond `openid` (always sent), e.g. `profile email groups`.
    pub scopes: Vec<String>,
}

/// Hand-written so the client secret never lands in logs.
impl std::fmt::Debug for ProviderSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("redirect_url", &self.redirect_url)
            .field("groups_claim", &self.groups_claim)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// What must survive, in the user's server-side session, between
/// [`Sso::begin`] and [`Sso::finish`]. All three values are secrets of this
/// one sign-in attempt: never put them in a cookie or a URL of your own.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Pending {
    /// CSRF token echoed back by the provider as `state`.
    pub state: String,
    /// Must come back inside the ID token; binds the token to this attempt.
    pub nonce: String,
    /// PKCE secret; the provider only hands out tokens to whoever holds it.
    pub pkce_verifier: String,
}

/// Hand-written so a logged `Pending` gives nothing away.
impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending { .. }")
    }
}

/// The signed-in user, as asserted by a verified ID token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `iss` of the ID token. Link accounts on (`issuer`, `subject`) only:
    /// usernames and e-mail addresses can be changed or reused at the provider.
    pub issuer: String,
    /// `sub`: the provider's stable, unique id for the user.
    pub subject: String,
    /// `preferred_username`, else `email`, else `sub`. For display and for
    /// pre-filling a new local account, not for identifying the user.
    pub username: String,
    pub email: Option<String>,
    /// The configured groups claim: a list of strings or a single string;
    /// empty when absent or not configured.
    pub groups: Vec<String>,
}
