//! `GET /settings/audit/export?actor=&action=&text=`: the audit log entries
//! the filters select, as CSV, newest first. The export itself is logged.

use async_stream::stream;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::model::format::iso;
use crate::server::app::audit;
use crate::server::http::auth::actor::Acting;
use crate::server::http::export::csv_line;
use crate::server::http::page_data::audit_filter;
use crate::server::http::AppState;
use crate::server::store::prelude::*;

/// Entries read per step.
const STEP: i64 = 1_000;
/// The most entries one export holds.
const MOST: i64 = 1_000_000;

#[derive(Deserialize)]
pub struct Filters {
    actor: Option<String>,
    action: Option<String>,
    text: Option<String>,
}

pub async fn export(
    State(state): State<AppState>,
    acting: Acting,
    Query(filters): Query<Filters>,
) -> Response {
    let filter = audit_filter(filters.actor, filters.action, filters.text);
    let said = format!(
        "exported the audit log (who {:?}, what {:?}, words {:?})",
        filter.actor.as_deref().unwrap_or("any"),
        filter.action.as_deref().unwrap_or("any"),
        filter.text.as_deref().unwrap_or("any"),
    );
    audit::record(
        &state.store,
        &acting.actor,
        "audit.export",
        "audit log",
        &said,
    )
    .await;
    let store = state.store.clone();
    // Streamed a step at a time, so memory stays flat however long the log.
    let body = stream! {
        let header_row = ["at", "actor", "address", "action", "target", "summary"].map(String::from);
        yield Ok::<_, std::io::Error>(Bytes::from(csv_line(&header_row)));
        let mut offset = 0;
        while offset < MOST {
            let entries = match store.audit_entries(&filter, offset, STEP).await {
                Ok(entries) => entries,
                Err(e) => {
                    tracing::error!(error = %e, "could not read the audit log for an export");
                    yield Err(std::io::Error::other("the audit log could not be read"));
                    break;
                }
            };
            let mut out = String::new();
            for e in &entries {
                out.push_str(&csv_line(&[
                    iso(e.at),
                    e.actor.clone(),
                    e.address.clone().unwrap_or_default(),
                    e.action.clone(),
                    e.target.clone(),
                    e.summary.clone(),
                ]));
            }
            yield Ok(Bytes::from(out));
            if (entries.len() as i64) < STEP {
                break;
            }
            offset += STEP;
        }
    };
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"calltrail-audit.csv\"",
            ),
        ],
        Body::from_stream(body),
    )
        .into_response()
}
