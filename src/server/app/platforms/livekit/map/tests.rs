use crate::model::latency::LatencyPart;
use crate::server::app::platforms::spans::test_support::{batches, items, lines, timeline, waterfalls};
use crate::server::app::platforms::spans::map;

fn expected(end: &str) -> Vec<String> {
    [
        "- session started (support_agent)",
        "Agent: Hi, thanks for calling Acme. How can I help?",
        "User: Where is my order A-1042?",
        "Agent: Let me look that up.",
        r#"tool lookup_order {"order_id":"A-1042"} -> {"status":"shipped"} "#,
        "Agent: Good news: order A-1042 has shipped and should arrive Thursday. Would you like the tracking number?",
        // The caller spoke, then the agent's audio stopped: the part heard.
        "User: No thanks, that's all I needed.",
        "cut Agent: Good news: order A-1042 has shipped and should",
        "Agent: Okay, have a great day!",
        end,
    ]
    .map(str::to_string)
    .to_vec()
}

#[test]
fn livekit_1_8_reads_as_the_call_in_any_order() {
    let recorded = batches("livekit", "session.json");
    assert_eq!(lines(&timeline(&recorded)), expected("end participant_disconnected"));
    let mut shuffled: Vec<_> = recorded.iter().rev().cloned().collect();
    shuffled.push(recorded[3].clone());
    assert_eq!(lines(&timeline(&shuffled)), expected("end participant_disconnected"));
}

#[test]
fn livekit_1_6_and_1_7_names_read_the_same() {
    for file in ["session-1.6.json", "session-1.7.json"] {
        let recorded = batches("livekit", file);
        assert_eq!(lines(&timeline(&recorded)), expected("end "), "{file}");
    }
}

#[test]
fn every_livekit_version_maps_everything_it_sends() {
    for file in ["session.json", "session-1.7.json", "session-1.6.json"] {
        for batch in batches("livekit", file) {
            let mapped = map(&batch, 0, None);
            assert_eq!(mapped.tracer.map(|t| t.info.name.as_ref()), Some("livekit"));
            assert_eq!(mapped.unmapped, vec![], "{file}");
        }
    }
}

#[test]
fn each_answer_s_silence_is_split_into_its_parts() {
    let w = waterfalls(&batches("livekit", "session.json"));
    assert_eq!(
        w,
        vec![
            // The greeting (say()) answered no one: its voice's first byte only.
            (None, vec![("agent", 0), ("tts", 184)]),
            // lk.e2e_latency, its stages from agent_turn, the LLM's first
            // token from llm_node, the voice's first byte from tts_node:
            // 1,153 ms of 1,200 explained.
            (Some(1200), vec![("end_of_turn", 290), ("transcription", 249), ("agent", 2), ("llm", 409), ("tts", 203)]),
            // Preemptive generation: the LLM ran before the turn was
            // committed, so the parts overlap the silence (by 103 ms).
            (Some(1022), vec![("end_of_turn", 234), ("transcription", 301), ("agent", 0), ("llm", 395), ("tts", 195)]),
        ]
    );
}

#[test]
fn the_call_s_latency_is_the_silence_livekit_measured() {
    let items = items(&batches("livekit", "session.json"));
    let m = crate::model::metrics::compute(&items, items[0].occurred_at, true);
    let latency = m.latency.value.unwrap();
    assert_eq!((latency.p50_ms, latency.max_ms, latency.answers), (1022, 1200, 2));
    assert!(m.latency.is_trusted(), "measured, not estimated");
    let median = |part| m.latency_parts.iter().find(|p| p.part == part).map(|p| p.ms);
    assert_eq!(median(LatencyPart::Llm), Some(395));
    assert_eq!(median(LatencyPart::Tts), Some(195));
    assert_eq!(median(LatencyPart::Tool), None, "not reported");
}
