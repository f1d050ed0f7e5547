//! The caller of an API handler, as the token check found it, with what it
//! reads through: a restricted viewer's token reads calls redacted, as
//! the pages show them to that account.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::caller::ApiCaller;
use crate::model::{CallSummary, TimelineItem};
use crate::server::app::audit;
use crate::server::app::redaction::{Mode, Redaction};
use crate::server::http::error::ApiError;
use crate::server::http::page_data::restricted::lens_of;
use crate::server::http::AppState;

/// The token's account and the redaction it reads through (`None`: none).
pub struct Reader {
    pub caller: ApiCaller,
    pub lens: Option<Arc<Redaction>>,
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        // The token check puts the caller there; a route mounted outside it
        // by mistake refuses rather than answer anyone.
        let Some(caller) = parts.extensions.get::<ApiCaller>().cloned() else {
            return Err(super::problem::Problem::from(ApiError::not_signed_in()).into_response());
        };
        Ok(Reader::new(state, caller))
    }
}

impl Reader {
    pub fn new(state: &AppState, caller: ApiCaller) -> Self {
        let lens = lens_of(state, &caller.user());
        Reader { caller, lens }
    }

    /// A call as this reader may see it.
    pub fn call(&self, call: &mut CallSummary) {
        if let Some(r) = &self.lens {
            r.call_for_restricted(call);
        }
    }

    /// An event of a call from `source`, as this reader may see it.
    pub fn event(&self, source: &str, item: &mut TimelineItem) {
        if let Some(r) = &self.lens {
            r.item_for_restricted(source, item);
        }
    }

    /// Whether a query asks for a sensitive value this reader may not see.
    pub fn asks_for_sensitive(&self, query: &str) -> bool {
        self.lens.as_ref().is_some_and(|r| {
            crate::server::http::page_data::restricted::asks_for_sensitive(r, query)
        })
    }

    /// Notes in the audit log that this reader, who is not restricted,
    /// read a call whose sensitive values a restricted viewer gets redacted
    /// (as the call page does).
    pub async fn note_unredacted(&self, state: &AppState, call: &CallSummary) {
        let redacted_for_others =
            call.n_redacted > 0 && state.redaction.mode(&call.source) == Mode::Display;
        if self.lens.is_none() && redacted_for_others {
            let said = format!(
                "read the call unredacted through the API ({} values a restricted viewer gets redacted)",
                call.n_redacted
            );
            audit::record(
                &state.store,
                &self.caller.actor(),
                "call.view-unredacted",
                &call.call_id,
                &said,
            )
            .await;
        }
    }
}
