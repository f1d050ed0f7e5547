//! The body of every error the HTTP edge answers with, `{"error", "detail"}`:
//! `error` a short, stable code a client may act on, `detail` what exactly
//! was wrong, for the person reading it.

use serde::{Deserialize, Serialize};

/// The `error` of a request that needs a session and has none.
pub const NOT_SIGNED_IN: &str = "not signed in";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub detail: String,
}
