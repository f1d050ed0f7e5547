//! What ingest hands the writer, and what the writer reports back.

use crate::model::{EventDetail, Parties};

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

pub(super) enum Job {
    /// A delivery and its events (the first, and any more it carried).
    Event(NewDelivery, Box<NewEvent>, Vec<NewEvent>),
    Rejected {
        delivery: NewDelivery,
        error: String,
        detail: String,
    },
}
