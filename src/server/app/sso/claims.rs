//! The ID token's non-standard claims, and the calltrail types built on them.
//!
//! openidconnect parses the standard claims itself; everything else lands in
//! an `AdditionalClaims` type. The groups claim's name is a setting, so the
//! extra claims are kept as a plain JSON map and looked up at run time.

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreRevocableToken,
    CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, Client, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IdTokenFields, StandardErrorResponse, StandardTokenResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Every claim of the ID token that openidconnect does not model itself.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub(super) struct ExtraClaims(Map<String, Value>);

impl AdditionalClaims for ExtraClaims {}

impl ExtraClaims {
    /// The named claim as groups: a JSON array of strings (other elements are
    /// skipped) or one string; anything else, or no claim, means no groups.
    pub(super) fn groups(&self, claim: &str) -> Vec<String> {
        match self.0.get(claim) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect(),
            Some(Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        }
    }
}

/// Token endpoint answer whose ID token carries [`ExtraClaims`].
pub(super) type TokenResponse = StandardTokenResponse<
    IdTokenFields<
        ExtraClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

/// `CoreClient` with [`ExtraClaims`]. Discovery yields a token endpoint that is
/// only "maybe set"; we check it there, so the stored client has it set.
pub(super) type OidcClient<HasTokenUrl = EndpointSet> = Client<
    ExtraClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    TokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    HasTokenUrl,
    EndpointMaybeSet,
>;

#[cfg(test)]
mod tests {
    use super::ExtraClaims;

    fn claims(json: &str) -> ExtraClaims {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn groups_from_list_single_string_or_nothing() {
        let c = claims(r#"{"groups":["a",1,"b"],"role":"admin","n":null}"#);
        assert_eq!(c.groups("groups"), ["a", "b"]);
        assert_eq!(c.groups("role"), ["admin"]);
        assert!(c.groups("n").is_empty());
        assert!(c.groups("missing").is_empty());
    }
}
