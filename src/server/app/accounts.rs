//! Account administration that is not HTTP: one-time links (their secrets,
//! hashes and lifetimes) and how an account's row reads on the users page.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};

use crate::model::accounts::{LinkPurpose, LinkView, UserView};
use crate::model::AccountRole;
use crate::server::store::invitations::Invitation;
use crate::server::store::users::User;

/// How long an invitation works.
pub const INVITE_HOURS: i64 = 7 * 24;
/// How long a password-reset link works.
pub const RESET_HOURS: i64 = 24;

/// A new link's secret (what the URL carries) and the hash that is kept.
pub fn new_link_secret() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    let hash = link_hash(&secret);
    (secret, hash)
}

/// The hash a link is kept and looked up by.
pub fn link_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The path a link's secret opens.
pub fn link_path(secret: &str) -> String {
    format!("/invite/{secret}")
}

pub fn user_view(user: &User, you: i64) -> UserView {
    UserView {
        id: user.id,
        username: user.username.clone(),
        role: user.role,
        disabled: user.is_disabled(),
        single_sign_on: user.sso_identity.is_some(),
        created_at: user.created_at,
        is_you: user.id == you,
    }
}

/// A stored link as the page shows it; `None` for a row that does not
/// read as one (an unknown purpose or role is an error, logged).
pub fn link_view(link: &Invitation) -> Option<LinkView> {
    let purpose = match (link.purpose.as_str(), &link.role, &link.username) {
        ("invite", Some(role), _) => LinkPurpose::Invite(AccountRole::parse(role).ok()?),
        ("reset", _, Some(name)) => LinkPurpose::Reset(name.clone()),
        _ => {
            tracing::error!(
                id = link.id,
                purpose = link.purpose,
                "a stored link does not read"
            );
            return None;
        }
    };
    Some(LinkView {
        id: link.id,
        purpose,
        created_at: link.created_at,
        expires_at: link.expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_kept_by_its_hash_only() {
        let (secret, hash) = new_link_secret();
        assert_eq!(secret.len(), 43);
        assert!(secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(hash, link_hash(&secret));
        assert!(!hash.contains(&secret));
        assert_ne!(new_link_secret().0, secret);
    }
}
