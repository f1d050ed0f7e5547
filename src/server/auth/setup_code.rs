//! The first-run setup code. While there is no account, whoever reaches
//! `/setup` first becomes the admin. On localhost that is the operator; on a
//! network address it could be anyone, so there `/setup` also asks for a
//! one-time code that only the server's own output shows (as Jupyter does).

use std::sync::Arc;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

use crate::server::webhook_auth::token;
use crate::server::AppState;

/// Characters of the generated code.
const LEN: usize = 12;

/// A fresh code when the server listens on a non-loopback address and has
/// no account yet; it is printed for the operator.
pub async fn for_first_run(state: &AppState) -> anyhow::Result<Option<Arc<str>>> {
    let addr = state.config.addr;
    if addr.ip().is_loopback() || state.store.has_users().await? {
        return Ok(None);
    }
    let code: String = token::generate().chars().take(LEN).collect();
    tracing::warn!(
        "no account yet and listening on {addr}: create the admin account at /setup with the setup code {code}"
    );
    Ok(Some(code.into()))
}

/// Whether `offered` is the code `expected` (or no code is needed).
pub fn accepts(expected: Option<&str>, offered: &str) -> bool {
    let Some(expected) = expected else {
        return true;
    };
    let expected = Sha256::digest(expected.as_bytes());
    let offered = Sha256::digest(offered.trim().as_bytes());
    expected.ct_eq(&offered).into()
}

#[cfg(test)]
mod tests {
    use super::accepts;

    #[test]
    fn only_the_printed_code_is_accepted() {
        assert!(accepts(None, ""));
        assert!(accepts(Some("Ab3dEf6hIj9k"), "Ab3dEf6hIj9k"));
        assert!(accepts(Some("Ab3dEf6hIj9k"), " Ab3dEf6hIj9k\n"));
        assert!(!accepts(Some("Ab3dEf6hIj9k"), "ab3def6hij9k"));
        assert!(!accepts(Some("Ab3dEf6hIj9k"), ""));
        assert!(!accepts(Some("Ab3dEf6hIj9k"), "Ab3dEf6hIj9"));
    }
}
