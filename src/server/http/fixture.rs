//! A call as a replayable fixture: `GET /export/fixture?call=ID` gives its
//! accepted deliveries in arrival order, each with its body as delivered and
//! when it came (ms after the first), as JSON lines under a header line;
//! `calltrail simulate --from FILE` sends them again with the same pacing.

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::server::app::audit;
use crate::server::app::platforms::Platform;
use crate::server::http::auth::actor::Acting;

use crate::server::http::error::ApiError;
use crate::server::http::AppState;
use crate::server::store;
use crate::server::store::prelude::*;
use crate::server::store::Replayable;

/// The fixture format's version, in its header line.
pub const VERSION: u32 = 1;

/// The first line of a fixture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub calltrail_fixture: u32,
    pub call_id: String,
    /// The platform that sent the call (`infer`, `vapi`, `retell`): where
    /// the replay posts.
    pub source: String,
    pub deliveries: usize,
}

/// Every other line: one delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// When it arrived, in ms after the call's first delivery.
    pub at_ms: i64,
    /// The body exactly as delivered.
    pub body: String,
}

/// A fixture read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixture {
    pub header: Header,
    pub platform: Platform,
    pub deliveries: Vec<Delivery>,
}

/// The fixture of a call from `source` with these deliveries.
pub fn write(call_id: &str, source: &str, deliveries: &[Replayable]) -> String {
    let first = deliveries.first().map_or(0, |d| d.received_at);
    let header = Header {
        calltrail_fixture: VERSION,
        call_id: call_id.to_string(),
        source: source.to_string(),
        deliveries: deliveries.len(),
    };
    let mut out = line(&header);
    for d in deliveries {
        out.push_str(&line(&Delivery {
            at_ms: d.received_at - first,
            body: d.body.clone(),
        }));
    }
    out
}

fn line(value: &impl Serialize) -> String {
    // These types always serialise.
    let mut line = serde_json::to_string(value).unwrap_or_default();
    line.push('\n');
    line
}

/// Reads a fixture; says which line is wrong and how.
pub fn read(text: &str) -> Result<Fixture, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, first) = lines.next().ok_or("the fixture is empty")?;
    let header: Header = serde_json::from_str(first)
        .map_err(|e| format!("line 1 is not a calltrail fixture header: {e}"))?;
    if header.calltrail_fixture != VERSION {
        return Err(format!(
            "fixture version {} is not one this calltrail reads ({VERSION})",
            header.calltrail_fixture
        ));
    }
    let platform = Platform::from_source(&header.source)
        .ok_or_else(|| format!("line 1: unknown source {:?}", header.source))?;
    let deliveries = lines
        .map(|(n, l)| {
            serde_json::from_str(l).map_err(|e| format!("line {}: not a delivery: {e}", n + 1))
        })
        .collect::<Result<Vec<Delivery>, String>>()?;
    if deliveries.len() != header.deliveries {
        return Err(format!(
            "the header says {} deliveries but {} follow: the file is cut short or edited",
            header.deliveries,
            deliveries.len()
        ));
    }
    Ok(Fixture {
        header,
        platform,
        deliveries,
    })
}

#[derive(Deserialize)]
pub struct Which {
    call: String,
}

/// `GET /export/fixture?call=ID`: the call's fixture as a download.
pub async fn download(
    State(state): State<AppState>,
    acting: Acting,
    Query(which): Query<Which>,
) -> Response {
    let call_id = which.call;
    let store = &state.store;
    let call = match store.call(&call_id).await {
        Ok(Some(call)) => {
            let said = "downloaded the call's raw deliveries as a fixture";
            audit::record(store, &acting.actor, "export.fixture", &call_id, said).await;
            call
        }
        Ok(None) => return (StatusCode::NOT_FOUND, "no such call").into_response(),
        Err(e) => return failed(e),
    };
    let deliveries = match store.call_deliveries(&call_id).await {
        Ok(d) => d,
        Err(e) => return failed(e),
    };
    let name: String = call_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, "application/x-ndjson".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.fixture.jsonl\""),
            ),
        ],
        write(&call_id, &call.source, &deliveries),
    )
        .into_response()
}

fn failed(e: store::Error) -> Response {
    tracing::error!(error = %e, "reading a call's fixture failed");
    ApiError::from(e).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixture_reads_back_as_written_and_damage_is_named() {
        let deliveries = [
            Replayable {
                received_at: 1_000,
                body: r#"{"type":"end-call","call_id":"c"}"#.into(),
            },
            Replayable {
                received_at: 3_500,
                body: "{\"call_id\":\"c\",\n\"summary\":\"ok\"}".into(),
            },
        ];
        let text = write("c", "infer", &deliveries);
        assert_eq!(text.lines().count(), 3);
        let fixture = read(&text).unwrap();
        assert_eq!(fixture.platform, Platform::INFER);
        assert_eq!(fixture.header.call_id, "c");
        assert_eq!(
            fixture
                .deliveries
                .iter()
                .map(|d| d.at_ms)
                .collect::<Vec<_>>(),
            [0, 2_500]
        );
        assert_eq!(fixture.deliveries[1].body, deliveries[1].body);

        let cut: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
        assert!(read(&cut)
            .unwrap_err()
            .contains("says 2 deliveries but 1 follow"));
        let bad = text.replace("\"at_ms\":2500", "\"at_ms\":\"soon\"");
        assert!(read(&bad)
            .unwrap_err()
            .starts_with("line 3: not a delivery"));
        assert!(read("").unwrap_err().contains("empty"));
        assert!(read(&text.replace("\"infer\"", "\"skype\""))
            .unwrap_err()
            .contains("unknown source"));
    }
}
