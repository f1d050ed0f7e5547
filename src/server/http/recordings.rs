//! `GET /recordings/{platform}/{call_id}`: a recording the platform sent
//! itself (ElevenLabs' post-call audio), from the delivery that carried
//! it, for the call page's player. Signed-in only, like the call.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::model::{is_own_recording, EventDetail};
use crate::server::app::audit;
use crate::server::app::platforms::Platform;
use crate::server::http::auth::actor::Acting;
use crate::server::http::error::ApiError;
use crate::server::http::AppState;
use crate::server::store::prelude::*;

pub async fn recording(
    State(state): State<AppState>,
    acting: Acting,
    Path((source, call_id)): Path<(String, String)>,
) -> Response {
    let said = "played the call's recording";
    audit::record(&state.store, &acting.actor, "raw.view", &call_id, said).await;
    let Some(read) = Platform::from_source(&source).and_then(|p| p.recording) else {
        return ApiError::not_found("recording").into_response();
    };
    let found = async {
        let timeline = state.store.timeline(&call_id).await?;
        // The newest delivery that set the call's recording is the one to play.
        let stored = timeline.iter().rev().find(|item| {
            matches!(&item.detail, EventDetail::Report { recording_url: Some(url), .. } if is_own_recording(url))
        });
        match stored {
            Some(item) => state.store.event_body(item.id).await,
            None => Ok(None),
        }
    };
    let body = match found.await {
        Ok(Some(body)) => body,
        Ok(None) => return ApiError::not_found("recording").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not read a stored recording");
            return ApiError::from(e).into_response();
        }
    };
    let audio = serde_json::from_str::<Value>(&body)
        .ok()
        .as_ref()
        .and_then(read);
    match audio {
        Some(audio) => (
            [
                (header::CONTENT_TYPE, audio.content_type),
                (header::CACHE_CONTROL, "private, max-age=3600"),
            ],
            audio.bytes,
        )
            .into_response(),
        None => ApiError::not_found("recording").into_response(),
    }
}
