//! `/api/live/alerts`: the open-alert count, sent on connect and whenever an
//! alert opens or changes state, with the alert that opened (for the toast
//! every dashboard page shows). The count is state, not a log: a client
//! that falls behind is simply sent the current count.

use std::convert::Infallible;
use std::sync::Arc;

use async_stream::stream;
use axum::extract::State;
use axum::response::sse::Event;
use axum::response::Response;
use axum::Extension;
use tokio::sync::broadcast::error::RecvError;
use tower_sessions::Session;

use super::session::{too_many_streams, SessionWatch};
use super::{opening, respond, to_json};
use crate::model::AlertNotice;
use crate::server::app::prometheus::LiveClient;
use crate::server::http::auth::CurrentUser;
use crate::server::http::AppState;
use crate::server::store::prelude::*;

pub async fn alerts_stream(
    State(state): State<AppState>,
    session: Session,
    Extension(user): Extension<CurrentUser>,
) -> Response {
    let Some(mut watch) = SessionWatch::start(&state, &session, &user) else {
        return too_many_streams(&state);
    };
    let mut rx = state.alerts.subscribe();
    let store = state.store.clone();
    let hub = state.hub.clone();
    let stream = stream! {
        let _client = LiveClient::start();
        yield Ok::<_, Infallible>(opening("calltrail alerts"));
        let mut send_count = true;
        loop {
            if send_count {
                send_count = false;
                match store.open_alerts().await {
                    Ok(open) => yield Ok(data(to_json(&AlertNotice { open, opened: None }))),
                    Err(e) => {
                        tracing::warn!(error = %e, "could not count open alerts; closing the stream");
                        return;
                    }
                }
            }
            tokio::select! {
                _ = hub.stopping() => return,
                _ = watch.due() => {
                    if !watch.still_signed_in().await {
                        return;
                    }
                }
                received = rx.recv() => match received {
                    Ok(notice) => yield Ok(data(notice)),
                    Err(RecvError::Lagged(_)) => send_count = true,
                    Err(RecvError::Closed) => return,
                },
            }
        }
    };
    respond(stream)
}

fn data(json: Arc<str>) -> Event {
    Event::default().data(&*json)
}
