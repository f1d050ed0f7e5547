//! The authorization code flow with PKCE (S256), state and nonce.

use std::sync::Arc;
use std::time::Duration;

use openidconnect::core::{CoreAuthenticationFlow, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, IssuerUrl, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse as _,
};
use subtle::ConstantTimeEq;

use super::claims::OidcClient;
use super::{Identity, Pending, ProviderSettings, SsoError};

/// Bound on each call to the provider (discovery, keys, token endpoint), so a
/// stuck provider cannot hold a login request open forever.
const HTTP_TIMEOUT: Duration = Duration::from_secs(15);

/// One discovered OpenID Provider and calltrail's client registration there.
/// Cheap to clone (shared inside); safe to use from many requests at once.
///
/// Keys are fetched once, at discovery. If the provider rotates its signing
/// keys, new tokens fail with [`SsoError::BadSignature`] until `discover` runs
/// again.
#[derive(Clone)]
pub struct Sso {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: String,
    client: OidcClient,
    /// Redirects are never followed: the token endpoint answers directly,
    /// and a redirect there could point our secret-bearing POST elsewhere
    /// (SSRF), as the openidconnect docs warn.
    http: reqwest::Client,
    scopes: Vec<Scope>,
    groups_claim: Option<String>,
}

impl std::fmt::Debug for Sso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sso")
            .field("issuer", &self.inner.issuer)
            .field("client_id", &self.inner.client.client_id().as_str())
            .finish_non_exhaustive()
    }
}

impl Sso {
    /// Fetches `<issuer>/.well-known/openid-configuration` and the JWKS it
    /// names. openidconnect checks that the document's `issuer` is exactly
    /// `config.issuer` (mind the trailing slash).
    pub async fn discover(config: ProviderSettings) -> Result<Sso, SsoError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(HTTP_TIMEOUT)
            .build()
            .map_err(|e| SsoError::Discovery(format!("no HTTP client ({e})")))?;
        let issuer = IssuerUrl::new(config.issuer.clone())
            .map_err(|e| SsoError::Discovery(format!("bad issuer URL ({e})")))?;
        let redirect = RedirectUrl::new(config.redirect_url)
            .map_err(|e| SsoError::Discovery(format!("bad redirect URL ({e})")))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .map_err(SsoError::discovery)?;
        // Settle "maybe" now, so that `finish` cannot hit a missing endpoint.
        let token_url = metadata
            .token_endpoint()
            .cloned()
            .ok_or_else(|| SsoError::Discovery("the provider has no token endpoint".to_owned()))?;
        let client = OidcClient::<EndpointMaybeSet>::from_provider_metadata(
            metadata,
            ClientId::new(config.client_id),
            Some(ClientSecret::new(config.client_secret)),
        )
        .set_token_uri(token_url)
        .set_redirect_uri(redirect);
        let scopes = config
            .scopes
            .into_iter()
            .filter(|s| !s.is_empty() && s != "openid") // openid is always sent
            .map(Scope::new)
            .collect();
        let inner = Inner {
            issuer: config.issuer,
            client,
            http,
            scopes,
            groups_claim: config.groups_claim,
        };
        Ok(Sso {
            inner: Arc::new(inner),
        })
    }

    /// The provider's authorization URL for a fresh attempt, and what to keep
    /// for [`Sso::finish`]. State, nonce and PKCE verifier are new random
    /// values every time.
    pub fn begin(&self) -> (url::Url, Pending) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = self
            .inner
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scopes(self.inner.scopes.iter().cloned())
            .set_pkce_challenge(challenge)
            .url();
        let pending = Pending {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        };
        (url, pending)
    }

    /// Completes the attempt started by [`Sso::begin`] with the `state` and
    /// `code` query parameters of the callback.
    ///
    /// The state is compared first, in constant time, before any network
    /// call. Then the code is exchanged (with the PKCE verifier and client
    /// credentials) and the ID token verified by openidconnect: signature
    /// against the provider's JWKS, `iss`, `aud`, `exp` (no leeway) and `nonce`.
    pub async fn finish(
        &self,
        pending: &Pending,
        state: &str,
        code: &str,
    ) -> Result<Identity, SsoError> {
        if !bool::from(pending.state.as_bytes().ct_eq(state.as_bytes())) {
            return Err(SsoError::WrongState);
        }
        let client = &self.inner.client;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.inner.http)
            .await
            .map_err(SsoError::exchange)?;
        let id_token = response
            .id_token()
            .ok_or_else(|| SsoError::InvalidToken("the provider sent no ID token".to_owned()))?;
        let nonce = Nonce::new(pending.nonce.clone());
        let claims = id_token
            .claims(&client.id_token_verifier(), &nonce)
            .map_err(SsoError::claims)?;

        let email = claims.email().map(|e| e.as_str().to_owned());
        let username = claims
            .preferred_username()
            .map(|u| u.as_str().to_owned())
            .or_else(|| email.clone())
            .unwrap_or_else(|| claims.subject().as_str().to_owned());
        let groups = match &self.inner.groups_claim {
            Some(name) => claims.additional_claims().groups(name),
            None => Vec::new(),
        };
        Ok(Identity {
            issuer: claims.issuer().as_str().to_owned(),
            subject: claims.subject().as_str().to_owned(),
            username,
            email,
            groups,
        })
    }
}
