//! The call the simulator sends as Retell: the fixtures built from Retell's
//! documentation. Its events carry no time of their own, so each has the
//! offset its place in the call implies.

use crate::server::app::platforms::sample::{Recorded, Sample};

const ID: &str = "call_5e1a9c7d3b2f4e60a8d1c4b7e9f2";
const START: i64 = 1_777_652_404_512;
const DELIVERIES: &[(i64, &str)] = &[
    (0, include_str!("fixtures/call_started.json")),
    (25_000, include_str!("fixtures/transcript_updated.json")),
    (38_000, include_str!("fixtures/transfer_started.json")),
    (58_000, include_str!("fixtures/transfer_cancelled.json")),
    (67_400, include_str!("fixtures/call_ended.json")),
    (72_000, include_str!("fixtures/call_analyzed.json")),
];

pub const SAMPLE: Sample = Sample {
    call_id: ID,
    started_at: START,
    deliveries: Recorded::AtOffsets(DELIVERIES),
};
