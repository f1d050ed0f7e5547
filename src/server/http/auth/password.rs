//! Password hashing with argon2id (the crate's recommended parameters).
//! Hashing is slow and memory-hungry on purpose, so it runs off the async
//! threads, a few at a time, and only on credentials of sensible length.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use tokio::sync::Semaphore;
use tokio::task::JoinError;

/// Shortest password accepted for an account.
pub const MIN_PASSWORD_LEN: usize = 8;
/// Longest username (in characters); longer ones are never looked up, logged
/// or used as throttle keys.
pub const MAX_USERNAME_CHARS: usize = 64;
/// Longest password (in bytes) that is ever hashed.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// argon2 runs at most this many at once: each takes ~19 MiB and a core for
/// ~100 ms, and calltrail runs on small (two-core) machines.
const CONCURRENT_HASHES: usize = 2;
/// How long a sign-in waits for its turn to hash before it is told to come back.
pub const TURN_WAIT: Duration = Duration::from_secs(10);

static HASHING: LazyLock<Gate> = LazyLock::new(|| Gate::new(CONCURRENT_HASHES));

/// No turn to hash came within `TURN_WAIT`: too many sign-ins at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many sign-ins at once")]
pub struct Busy;

/// Lets a fixed number of hashing jobs run at once; the rest wait their turn.
struct Gate {
    permits: Arc<Semaphore>,
}

impl Gate {
    fn new(at_once: usize) -> Self {
        Gate {
            permits: Arc::new(Semaphore::new(at_once)),
        }
    }

    /// Runs `job` on a blocking thread once a turn is free, waiting at most
    /// `max_wait` (`None`: as long as it takes).
    async fn run<T, F>(
        &self,
        max_wait: Option<Duration>,
        job: F,
    ) -> Result<Result<T, JoinError>, Busy>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let turn = self.permits.clone().acquire_owned();
        let permit = match max_wait {
            Some(max_wait) => tokio::time::timeout(max_wait, turn)
                .await
                .map_err(|_| Busy)?,
            None => turn.await,
        }
        // Only a closed semaphore refuses, and this one is never closed.
        .map_err(|_| Busy)?;
        Ok(tokio::task::spawn_blocking(move || {
            // The turn is held until the hash is done, even if the request is gone.
            let _permit = permit;
            job()
        })
        .await)
    }
}

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

/// Hashes a new password, waiting as long as it takes for a turn (setting a
/// password is rare and already signed in or local).
pub async fn hash(password: String) -> String {
    HASHING
        .run(None, move || hash_now(&password))
        .await
        .expect("an unbounded wait always gets a turn")
        .expect("hashing does not panic")
}

/// True when `password` matches `hash`; `None` (no such account) never
/// matches. `Busy` when no turn to hash came within `TURN_WAIT`.
pub async fn verify(password: String, hash: Option<String>) -> Result<bool, Busy> {
    let outcome = HASHING
        .run(Some(TURN_WAIT), move || {
            verify_now(&password, hash.as_deref())
        })
        .await?;
    Ok(outcome.unwrap_or_else(|e| {
        tracing::error!(error = %e, "password verification failed");
        false
    }))
}

/// Whether a sign-in's username and password are short enough to be worth
/// checking; longer ones are refused as wrong without any work.
pub fn within_limits(username: &str, password: &str) -> bool {
    username.trim().chars().nth(MAX_USERNAME_CHARS).is_none()
        && password.len() <= MAX_PASSWORD_BYTES
}

/// `username` trimmed and cut to `MAX_USERNAME_CHARS` characters: all of it
/// that may be logged, looked up or kept.
pub fn capped_username(username: &str) -> &str {
    let name = username.trim();
    let end = name
        .char_indices()
        .nth(MAX_USERNAME_CHARS)
        .map_or(name.len(), |(i, _)| i);
    &name[..end]
}

/// Why a new username or password is not acceptable, said to the person choosing it.
pub fn check_new(username: &str, password: &str) -> Result<(), &'static str> {
    let name = username.trim();
    if name.is_empty() || name.chars().count() > MAX_USERNAME_CHARS {
        return Err("The username must be 1 to 64 characters.");
    }
    if name.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("The username cannot contain spaces.");
    }
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err("The password must be at least 8 characters.");
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err("The password must be at most 1024 bytes.");
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
        assert!(check_new(&"a".repeat(64), "longenough").is_ok());
        assert!(check_new(&"a".repeat(65), "longenough").is_err());
        assert!(check_new("admin", &"p".repeat(MAX_PASSWORD_BYTES)).is_ok());
        assert!(check_new("admin", &"p".repeat(MAX_PASSWORD_BYTES + 1)).is_err());
    }

    #[test]
    fn sign_ins_beyond_the_length_caps_are_not_worth_checking() {
        assert!(within_limits(" admin ", "correct horse battery"));
        assert!(within_limits(&"é".repeat(64), &"p".repeat(1024)));
        assert!(!within_limits(&"é".repeat(65), "correct horse battery"));
        assert!(!within_limits(&"a".repeat(100_000), "x"));
        assert!(!within_limits("admin", &"p".repeat(1025)));
        // The cap on passwords is in bytes: 513 two-byte characters are too many.
        assert!(!within_limits("admin", &"é".repeat(513)));
        assert_eq!(capped_username("  ada  "), "ada");
        let huge = "é".repeat(100_000);
        assert_eq!(capped_username(&huge), "é".repeat(MAX_USERNAME_CHARS));
    }

    #[tokio::test]
    async fn with_every_turn_taken_a_verification_waits_for_one() {
        use std::future::Future;
        use std::pin::pin;
        use std::task::Context;

        fn pending<F: Future>(future: std::pin::Pin<&mut F>) -> bool {
            let mut cx = Context::from_waker(std::task::Waker::noop());
            future.poll(&mut cx).is_pending()
        }

        let gate = Gate::new(1);
        let (release, blocked) = std::sync::mpsc::channel::<()>();
        // The first job takes the only turn and holds it until released.
        let mut first = pin!(gate.run(None, move || blocked.recv().is_ok()));
        assert!(pending(first.as_mut()));
        assert_eq!(gate.permits.available_permits(), 0);
        // A bounded wait gives up: the turn never frees while it waits.
        let refused = gate.run(Some(Duration::from_millis(20)), || true).await;
        assert_eq!(refused.map(Result::ok), Err(Busy));
        // An unbounded one waits, then runs once the turn is back.
        let mut second = pin!(gate.run(None, || 7));
        for _ in 0..5 {
            assert!(pending(second.as_mut()));
            tokio::task::yield_now().await;
        }
        release.send(()).expect("the first job is waiting");
        assert_eq!(first.await.map(Result::ok), Ok(Some(true)));
        assert_eq!(second.await.map(Result::ok), Ok(Some(7)));
        assert_eq!(gate.permits.available_permits(), 1);
    }
}
