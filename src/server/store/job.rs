//! What ingest hands the writer and what the writer reports back: the
//! same for both backends' writers.

use std::sync::Arc;

use tokio::sync::oneshot;

use crate::model::{DeliveryOutcome, EventDetail, LiveUpdate, Parties};

/// The request as received, for the delivery log.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub received_at: i64,
    pub source: String,
    pub remote_addr: Option<String>,
    pub content_type: Option<String>,
    pub webhook_id: Option<String>,
    /// The body as received; empty for an event's delivery, whose body is
    /// the event's `raw` (stored once, in the event's row).
    pub body: Vec<u8>,
    pub body_truncated: bool,
    /// What the sender is answered once this is stored: ingest decides it,
    /// the log records it.
    pub http_status: u16,
}

/// An event ready to store.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub call_id: String,
    pub occurred_at: i64,
    pub seconds_from_start: Option<f64>,
    pub dedup_key: String,
    pub detail: EventDetail,
    /// Who the delivery says is on the call.
    pub parties: Parties,
    /// The body as delivered (or, for one of several events of a delivery,
    /// the part of it the event comes from).
    pub raw: String,
    /// Redaction marks in the event (made at ingest, or counted for display).
    pub redactions: u32,
}

/// What the writer did with a delivery. For a delivery of several events,
/// `event_id` is the first one stored (or, when all were stored before,
/// the first of those): it is `Duplicate` only when none was new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    Accepted { delivery_id: i64, event_id: i64 },
    Duplicate { delivery_id: i64, event_id: i64 },
    Rejected { delivery_id: i64 },
}

pub(in crate::server::store) enum Job {
    /// A delivery and its events (the first, and any more it carried).
    Event(NewDelivery, Box<NewEvent>, Vec<NewEvent>),
    Rejected {
        delivery: NewDelivery,
        error: String,
        detail: String,
    },
}

/// Called after each commit with the stored events, in commit order.
pub type Publish = Arc<dyn Fn(Vec<LiveUpdate>) + Send + Sync>;

#[derive(Debug, Clone, thiserror::Error)]
pub enum WriteError {
    #[error("the database could not take the write: {0}")]
    Database(Arc<dyn std::error::Error + Send + Sync>),
    #[error("the writer has stopped")]
    Stopped,
}

/// Where a writer sends what became of one job.
pub(in crate::server::store) type Reply = oneshot::Sender<Result<Stored, WriteError>>;

/// How a delivery ended, for its log row.
#[derive(Clone, Copy)]
pub(in crate::server::store) struct DeliveryLog<'a> {
    pub outcome: DeliveryOutcome,
    pub error: Option<&'a str>,
    pub detail: Option<&'a str>,
    pub call_id: Option<&'a str>,
    pub event_id: Option<i64>,
    /// None when the body is the event's `raw`.
    pub body: Option<&'a [u8]>,
}

impl<'a> DeliveryLog<'a> {
    /// The log of a delivery whose events of `call_id` were stored now
    /// (`new_id`, the first of them) or before (`old_id`): accepted when
    /// any was new, else a duplicate. A lone event's body is its `raw`
    /// (stored once, there) unless it repeats one stored before
    /// (`repeat_body`: a repeat keeps its own body, which may differ); a
    /// delivery of several keeps its `body` here.
    pub fn of_events(
        call_id: &'a str,
        new_id: Option<i64>,
        old_id: Option<i64>,
        body: &'a [u8],
        lone: bool,
        repeat_body: Option<&'a str>,
    ) -> Self {
        let (outcome, event_id) = match (new_id, old_id) {
            (Some(id), _) => (DeliveryOutcome::Accepted, id),
            (None, Some(id)) => (DeliveryOutcome::Duplicate, id),
            (None, None) => unreachable!("a delivery has at least one event"),
        };
        let body = match (lone, repeat_body) {
            (false, _) => Some(body),
            (true, Some(raw)) => Some(raw.as_bytes()),
            (true, None) => None,
        };
        DeliveryLog {
            outcome,
            error: None,
            detail: None,
            call_id: Some(call_id),
            event_id: Some(event_id),
            body,
        }
    }

    /// The log of a refused delivery, with why.
    pub fn rejected(error: &'a str, detail: &'a str, body: &'a [u8]) -> Self {
        DeliveryLog {
            outcome: DeliveryOutcome::Rejected,
            error: Some(error),
            detail: Some(detail),
            call_id: None,
            event_id: None,
            body: Some(body),
        }
    }

    /// What the writer reports for this delivery, logged as `delivery_id`.
    pub fn stored(&self, delivery_id: i64) -> Stored {
        match (self.outcome, self.event_id) {
            (DeliveryOutcome::Accepted, Some(event_id)) => Stored::Accepted {
                delivery_id,
                event_id,
            },
            (DeliveryOutcome::Duplicate, Some(event_id)) => Stored::Duplicate {
                delivery_id,
                event_id,
            },
            _ => Stored::Rejected { delivery_id },
        }
    }
}
