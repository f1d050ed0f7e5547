//! Per-response latency that adds up: the silence the caller heard (end of
//! their speech → the agent's first audio) split into the parts a source
//! reports — end-of-turn wait, transcription, the agent's own code and
//! queue, the LLM's first token, a tool, the voice's first byte, transport —
//! and what none of them explains, said as such. A part a source does not
//! report is "not reported", never zero.
//!
//! A response's figures may come in several events (a framework reports
//! each on the span that measured it, in any order): events that name the
//! same `response` are one response, each part taken from the earliest.

use serde::{Deserialize, Serialize};

use super::{EventDetail, TimelineItem};

/// One contiguous part of the silence before an answer.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LatencyPart {
    /// Waiting to be sure the caller finished (endpointing, turn detection).
    EndOfTurn,
    /// The final transcript of the caller's words.
    Transcription,
    /// The agent's own code and its queue before the LLM is asked.
    Agent,
    /// The LLM's time to its first token.
    Llm,
    /// A tool the answer waited on.
    Tool,
    /// The voice's time to its first audio.
    Tts,
    /// Getting the audio to the caller.
    Transport,
}

impl LatencyPart {
    /// Every part, in the order they happen.
    pub const ALL: [LatencyPart; 7] = [
        LatencyPart::EndOfTurn,
        LatencyPart::Transcription,
        LatencyPart::Agent,
        LatencyPart::Llm,
        LatencyPart::Tool,
        LatencyPart::Tts,
        LatencyPart::Transport,
    ];

    pub fn label(self) -> &'static str {
        match self {
            LatencyPart::EndOfTurn => "end of turn",
            LatencyPart::Transcription => "transcription",
            LatencyPart::Agent => "agent code",
            LatencyPart::Llm => "LLM first token",
            LatencyPart::Tool => "tool",
            LatencyPart::Tts => "voice first byte",
            LatencyPart::Transport => "transport",
        }
    }

    /// Its name in CSS classes and URLs.
    pub fn key(self) -> &'static str {
        match self {
            LatencyPart::EndOfTurn => "end_of_turn",
            LatencyPart::Transcription => "transcription",
            LatencyPart::Agent => "agent",
            LatencyPart::Llm => "llm",
            LatencyPart::Tool => "tool",
            LatencyPart::Tts => "tts",
            LatencyPart::Transport => "transport",
        }
    }
}

/// A part and how long it took (ms).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartMs {
    pub part: LatencyPart,
    pub ms: i64,
}

/// Seconds as a source reports them → whole ms; `None` for nonsense
/// (negative, not finite, over an hour).
pub fn secs_to_ms(secs: f64) -> Option<i64> {
    (secs.is_finite() && (0.0..3600.0).contains(&secs)).then(|| (secs * 1000.0).round() as i64)
}

/// One response's latency, its parts merged from every event that named it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waterfall {
    /// The silence the caller heard, when a source reports it.
    pub heard_ms: Option<i64>,
    /// The parts reported, in the order they happen.
    pub parts: Vec<PartMs>,
}

impl Waterfall {
    /// Adds what one event reports: the whole (if not known yet) and each
    /// part not known yet (the earliest event's figure stands).
    pub fn add(&mut self, heard_ms: Option<i64>, parts: &[PartMs]) {
        self.heard_ms = self.heard_ms.or(heard_ms);
        for p in parts {
            if !self.parts.iter().any(|q| q.part == p.part) {
                self.parts.push(*p);
            }
        }
        self.parts.sort_by_key(|p| p.part);
    }

    pub fn part(&self, part: LatencyPart) -> Option<i64> {
        self.parts.iter().find(|p| p.part == part).map(|p| p.ms)
    }

    /// The heard silence no part explains; negative when the parts overlap
    /// (a framework that starts the LLM before the turn is committed).
    /// `None` when the whole is not reported.
    pub fn unexplained_ms(&self) -> Option<i64> {
        let heard = self.heard_ms?;
        Some(heard - self.parts.iter().map(|p| p.ms).sum::<i64>())
    }

    /// The parts no source reported for this response.
    pub fn not_reported(&self) -> Vec<LatencyPart> {
        LatencyPart::ALL
            .into_iter()
            .filter(|p| self.part(*p).is_none())
            .collect()
    }

    /// What a pointer over it says, one line a part.
    pub fn describe(&self) -> String {
        let mut lines: Vec<String> = self
            .parts
            .iter()
            .map(|p| format!("{}: {} ms", p.part.label(), p.ms))
            .collect();
        match self.unexplained_ms() {
            Some(u) if u >= 0 => lines.push(format!("unexplained: {u} ms")),
            Some(u) => lines.push(format!("parts overlap by {} ms", -u)),
            None => lines.push("the whole silence is not reported".to_string()),
        }
        let missing: Vec<&str> = self
            .not_reported()
            .into_iter()
            .map(LatencyPart::label)
            .collect();
        if !missing.is_empty() {
            lines.push(format!("not reported: {}", missing.join(", ")));
        }
        lines.join("\n")
    }
}

/// Each response's merged latency, with when its first figure was taken
/// (epoch ms), in time order.
pub fn responses(items: &[TimelineItem]) -> Vec<(i64, Waterfall)> {
    let mut reported: Vec<(&TimelineItem, &str)> = items
        .iter()
        .filter_map(|i| match &i.detail {
            EventDetail::Latency { response, .. } => Some((i, response.as_str())),
            _ => None,
        })
        .collect();
    reported.sort_by_key(|(i, _)| (i.occurred_at, i.id));
    let mut merged: Vec<(i64, &str, Waterfall)> = Vec::new();
    for (item, response) in reported {
        let EventDetail::Latency {
            heard_ms, parts, ..
        } = &item.detail
        else {
            continue;
        };
        match merged.iter_mut().find(|(_, r, _)| *r == response) {
            Some((_, _, w)) => w.add(*heard_ms, parts),
            None => {
                let mut w = Waterfall::default();
                w.add(*heard_ms, parts);
                merged.push((item.occurred_at, response, w));
            }
        }
    }
    merged.into_iter().map(|(at, _, w)| (at, w)).collect()
}

/// The median of each part over a call's responses that report it, in the
/// order parts happen.
pub fn part_medians(responses: &[Waterfall]) -> Vec<PartMs> {
    LatencyPart::ALL
        .into_iter()
        .filter_map(|part| {
            let mut ms: Vec<i64> = responses.iter().filter_map(|w| w.part(part)).collect();
            ms.sort_unstable();
            let mid = *ms.get(ms.len().checked_sub(1)? / 2)?;
            Some(PartMs { part, ms: mid })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(part: LatencyPart, ms: i64) -> PartMs {
        PartMs { part, ms }
    }

    #[test]
    fn parts_merge_earliest_first_and_the_rest_is_unexplained() {
        let mut w = Waterfall::default();
        w.add(None, &[p(LatencyPart::Tts, 200)]);
        w.add(
            Some(1200),
            &[
                p(LatencyPart::EndOfTurn, 290),
                p(LatencyPart::Transcription, 250),
            ],
        );
        w.add(None, &[p(LatencyPart::Llm, 409), p(LatencyPart::Tts, 999)]);
        assert_eq!(w.heard_ms, Some(1200));
        let order: Vec<LatencyPart> = w.parts.iter().map(|p| p.part).collect();
        assert_eq!(
            order,
            [
                LatencyPart::EndOfTurn,
                LatencyPart::Transcription,
                LatencyPart::Llm,
                LatencyPart::Tts
            ]
        );
        assert_eq!(
            w.part(LatencyPart::Tts),
            Some(200),
            "the first figure stands"
        );
        assert_eq!(w.unexplained_ms(), Some(1200 - 290 - 250 - 409 - 200));
        assert_eq!(
            w.not_reported(),
            [
                LatencyPart::Agent,
                LatencyPart::Tool,
                LatencyPart::Transport
            ]
        );
        assert!(w.describe().contains("unexplained: 51 ms"));
        assert!(w
            .describe()
            .contains("not reported: agent code, tool, transport"));
    }

    #[test]
    fn overlapping_parts_and_an_unreported_whole_are_said() {
        let mut w = Waterfall::default();
        w.add(
            Some(500),
            &[p(LatencyPart::Llm, 400), p(LatencyPart::EndOfTurn, 300)],
        );
        assert_eq!(w.unexplained_ms(), Some(-200));
        assert!(w.describe().contains("parts overlap by 200 ms"));
        let mut none = Waterfall::default();
        none.add(None, &[p(LatencyPart::Llm, 400)]);
        assert_eq!(none.unexplained_ms(), None);
        assert_eq!(secs_to_ms(0.4089), Some(409));
        assert_eq!(secs_to_ms(-1.0), None);
        assert_eq!(secs_to_ms(f64::NAN), None);
    }

    #[test]
    fn each_part_s_median_over_the_responses_that_report_it() {
        let w = |parts: &[(LatencyPart, i64)]| {
            let mut w = Waterfall::default();
            w.add(
                None,
                &parts
                    .iter()
                    .map(|(part, ms)| p(*part, *ms))
                    .collect::<Vec<_>>(),
            );
            w
        };
        let responses = [
            w(&[(LatencyPart::Llm, 400), (LatencyPart::Tts, 200)]),
            w(&[(LatencyPart::Llm, 300)]),
            w(&[(LatencyPart::Llm, 900), (LatencyPart::Tts, 100)]),
        ];
        assert_eq!(
            part_medians(&responses),
            [p(LatencyPart::Llm, 400), p(LatencyPart::Tts, 100)]
        );
        assert_eq!(part_medians(&[]), []);
    }

    #[test]
    fn stored_parts_are_strict() {
        assert_eq!(
            serde_json::to_string(&LatencyPart::EndOfTurn).unwrap(),
            "\"end_of_turn\""
        );
        assert!(serde_json::from_str::<LatencyPart>("\"warp_drive\"").is_err());
    }
}
