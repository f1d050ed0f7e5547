//! Why a server function gave no data, as the page it serves tells it: a
//! type the pages match on, not text they search.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::Bytes;
use serde::{Deserialize, Serialize};

use crate::model::error_body::{ErrorBody, NOT_SIGNED_IN};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PageError {
    /// No session (it ended, or was never there): the page offers to sign in.
    #[error("not signed in")]
    NotSignedIn,
    /// The account's role may not do this.
    #[error("your account may not do this; ask an admin")]
    NotPermitted,
    /// There is no such thing (an id that is not stored).
    #[error("there is no such {0}")]
    NotFound(String),
    /// The server will not do what was asked, and says why.
    #[error("{0}")]
    Refused(String),
    /// The database does not answer now; the same request may work soon.
    #[error("the database does not answer; try again in a moment")]
    Unavailable,
    /// Loading `{0}` failed on the server; its log has the details.
    #[error("could not load {0}; the server log has details")]
    Failed(String),
    /// The request never got an answer of the server's (the network, a
    /// body that did not decode).
    #[error("{0}")]
    Request(String),
}

impl FromServerFnError for PageError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        PageError::Request(value.to_string())
    }

    /// A server function's own error, or an error of the edge in front of it
    /// (the session guard's 401 when a session ended while the page was open).
    fn de(data: Bytes) -> Self {
        if let Ok(error) = serde_json::from_slice::<PageError>(&data) {
            return error;
        }
        match serde_json::from_slice::<ErrorBody>(&data) {
            Ok(body) if body.error == NOT_SIGNED_IN => PageError::NotSignedIn,
            Ok(body) => PageError::Request(format!("{}: {}", body.error, body.detail)),
            Err(_) => PageError::Request(String::from_utf8_lossy(&data).into_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_error_survives_its_trip_to_the_browser() {
        for error in [
            PageError::NotSignedIn,
            PageError::NotFound("call".into()),
            PageError::Unavailable,
            PageError::Failed("the calls".into()),
        ] {
            assert_eq!(PageError::de(error.ser()), error);
        }
    }

    #[test]
    fn the_guards_answer_to_an_ended_session_reads_as_not_signed_in() {
        let body = br#"{"error":"not signed in","detail":"sign in at /login first"}"#;
        assert_eq!(
            PageError::de(Bytes::from_static(body)),
            PageError::NotSignedIn
        );
        let other = br#"{"error":"unknown host","detail":"no"}"#;
        assert_eq!(
            PageError::de(Bytes::from_static(other)),
            PageError::Request("unknown host: no".into())
        );
    }

    #[test]
    fn transport_failures_become_request_errors() {
        let e = PageError::from_server_fn_error(ServerFnErrorErr::Request("offline".into()));
        assert!(matches!(e, PageError::Request(text) if text.contains("offline")));
    }
}
