//! The call the simulator sends as ElevenLabs: the fixtures built from its
//! documentation and SDK types, sent as ElevenLabs sends them: the
//! transcript once the call is over, the audio right after.

use crate::server::app::platforms::sample::{Recorded, Sample};

const ID: &str = "conv_01jxjaqmdmqrz32vgz2eqq5vc8";
const START: i64 = 1_749_740_671_000;
const DELIVERIES: &[(i64, &str)] = &[
    (40_000, include_str!("fixtures/post_call_transcription.json")),
    (43_000, include_str!("fixtures/post_call_audio.json")),
];

pub const SAMPLE: Sample = Sample {
    call_id: ID,
    started_at: START,
    deliveries: Recorded::AtOffsets(DELIVERIES),
};
