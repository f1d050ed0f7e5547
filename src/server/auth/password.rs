//! Password hashing with argon2id (the crate's recommended parameters).
//! Hashing is slow on purpose, so it runs off the async threads.

use std::sync::LazyLock;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

/// Shortest password accepted for an account.
pub const MIN_PASSWORD_LEN: usize = 8;

/// A hash to verify against when the account does not exist, so a wrong
/// username takes as long as a wrong password.
static DECOY: LazyLock<String> = LazyLock::new(|| hash_now("calltrail-decoy-password"));

fn hash_now(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password with default parameters")
        .to_string()
}

fn verify_now(password: &str, hash: Option<&str>) -> bool {
    let hash = hash.unwrap_or(DECOY.as_str());
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && hash != DECOY.as_str()
}

pub async fn hash(password: String) -> String {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .expect("hashing does not panic")
}

/// True when `password` matches `hash`; `None` (no such account) never matches.
pub async fn verify(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || verify_now(&password, hash.as_deref()))
        .await
        .unwrap_or(false)
}

/// Why a new username or password is not acceptable, said to the person choosing it.
pub fn check_new(username: &str, password: &str) -> Result<(), &'static str> {
    let name = username.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err("The username must be 1 to 64 characters.");
    }
    if name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("The username cannot contain spaces.");
    }
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err("The password must be at least 8 characters.");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password() {
        let hash = hash_now("correct horse battery");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_now("correct horse battery", Some(&hash)));
        assert!(!verify_now("correct horse batterY", Some(&hash)));
        assert!(!verify_now("anything", None));
        assert!(!verify_now("calltrail-decoy-password", None));
        assert!(!verify_now("x", Some("not a hash")));
    }

    #[test]
    fn new_accounts_are_checked() {
        assert!(check_new("admin", "longenough").is_ok());
        assert!(check_new("", "longenough").is_err());
        assert!(check_new("two words", "longenough").is_err());
        assert!(check_new("admin", "short").is_err());
    }
}
