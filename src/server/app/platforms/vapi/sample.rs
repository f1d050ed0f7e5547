//! The call the simulator sends as Vapi: the fixtures built from Vapi's
//! documentation, each at its own `timestamp`.

use crate::server::app::platforms::sample::{Recorded, Sample};

/// The Vapi fixture call: its id, its start, and its messages with their
/// offsets from that start (each message's own `timestamp`).
const ID: &str = "5b6f2c1e-8a43-4d7f-9e21-3c0a7d94b1f6";
const START: i64 = 1_777_647_900_210;
const DELIVERIES: &[&str] = &[
    include_str!("fixtures/status-update-in-progress.json"),
    include_str!("fixtures/speech-update.json"),
    include_str!("fixtures/conversation-update-1.json"),
    include_str!("fixtures/tool-calls.json"),
    include_str!("fixtures/hang.json"),
    include_str!("fixtures/conversation-update-2.json"),
    include_str!("fixtures/transfer-destination-request.json"),
    include_str!("fixtures/transfer-update.json"),
    include_str!("fixtures/user-interrupted.json"),
    include_str!("fixtures/status-update-ended.json"),
    include_str!("fixtures/end-of-call-report.json"),
];

pub const SAMPLE: Sample = Sample {
    call_id: ID,
    started_at: START,
    deliveries: Recorded::Stamped(DELIVERIES, "/message/timestamp"),
};
