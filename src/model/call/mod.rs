//! The per-call read model: one summary row kept current as events arrive.

use serde::{Deserialize, Serialize};

use super::{EventDetail, Role, TimelineItem};

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallStatus {
    Live,
    Ended,
    Transferred,
}

impl CallStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CallStatus::Live => "live",
            CallStatus::Ended => "ended",
            CallStatus::Transferred => "transferred",
        }
    }

    /// Status only moves forward, so a late event never revives a call.
    fn rank(self) -> u8 {
        match self {
            CallStatus::Live => 0,
            CallStatus::Ended => 1,
            CallStatus::Transferred => 2,
        }
    }
}

/// A live call that has sent nothing this long (ms) reads as quiet.
pub const QUIET_AFTER_MS: i64 = 5_000;

/// After a restart, this long before calls not heard from since before it
/// read as stale (they have had time to send again if they are still on).
pub const ORPHAN_GRACE_MS: i64 = 60_000;

/// How long a live call may be quiet before it reads as stale at `now`, on
/// a server up since `server_started_at`: `stale_after_ms`, but once the
/// server has been up [`ORPHAN_GRACE_MS`], no longer than it has been up —
/// so a call last heard from before a restart (whose end may have been
/// sent while the server was down) is stale then, not `stale_after_ms`
/// later. Calls heard from since are unaffected.
pub fn stale_after(stale_after_ms: i64, server_started_at: i64, now: i64) -> i64 {
    let up = now - server_started_at;
    if up >= ORPHAN_GRACE_MS {
        stale_after_ms.min(up)
    } else {
        stale_after_ms
    }
}

/// The start of the ids of calls calltrail makes itself.
pub const SAMPLE_PREFIX: &str = "demo_";

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallSummary {
    pub call_id: String,
    pub source: String,
    pub status: CallStatus,
    /// Epoch ms; the earliest start any event implies.
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub last_event_at: i64,
    /// Row id of the newest event: the cursor for live streams.
    pub last_event_id: i64,
    pub ended_by: Option<String>,
    pub end_reason: Option<String>,
    pub summary: Option<String>,
    pub recording_url: Option<String>,
    pub duration_ms: Option<i64>,
    pub last_speaker: Option<String>,
    /// When the latest turn was spoken: decides `last_speaker` whatever the
    /// delivery order.
    pub last_spoke_at: Option<i64>,
    pub n_events: i64,
    pub n_messages: i64,
    pub n_tool_calls: i64,
    pub n_tool_errors: i64,
    pub n_hangs: i64,
    pub n_interruptions: i64,
    pub n_transfers: i64,
    /// When this server last received an event of the call (epoch ms, its
    /// own clock): what "stale" is measured from.
    pub last_received_at: i64,
    /// The caller's first words (the earliest user turn, whatever the
    /// delivery order), which say what the call was about.
    pub first_user_text: Option<String>,
    pub first_user_at: Option<i64>,
    /// Who the platform says is on the call (see `Parties`).
    pub caller: Option<String>,
    pub agent: Option<String>,
    /// The function of a tool request still without its result, and when
    /// this server received the request: what a live call waits on.
    pub waiting_tool: Option<String>,
    pub waiting_since: Option<i64>,
    /// What the call cost, as the report says (in its platform's currency,
    /// as `Platforms::cost` names it).
    pub cost: Option<f64>,
    /// Redaction marks in the call's events (made at ingest, or what display
    /// redaction finds): `has:redacted` finds the calls with any.
    #[serde(default)]
    pub n_redacted: i64,
}

/// A stored status; an unknown one is an error, never taken for `live`.
impl TryFrom<String> for CallStatus {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        match s.as_str() {
            "live" => Ok(CallStatus::Live),
            "ended" => Ok(CallStatus::Ended),
            "transferred" => Ok(CallStatus::Transferred),
            other => Err(format!("unknown call status {other:?}")),
        }
    }
}

impl CallSummary {
    /// The summary of a call whose first stored event is `item`.
    pub fn new(source: &str, item: &TimelineItem) -> Self {
        let mut call = CallSummary {
            call_id: item.call_id.clone(),
            source: source.to_string(),
            status: CallStatus::Live,
            started_at: implied_start(item),
            ended_at: None,
            last_event_at: item.occurred_at,
            last_event_id: item.id,
            ended_by: None,
            end_reason: None,
            summary: None,
            recording_url: None,
            duration_ms: None,
            last_speaker: None,
            last_spoke_at: None,
            n_events: 0,
            n_messages: 0,
            n_tool_calls: 0,
            n_tool_errors: 0,
            n_hangs: 0,
            n_interruptions: 0,
            n_transfers: 0,
            last_received_at: item.received_at,
            first_user_text: None,
            first_user_at: None,
            caller: None,
            agent: None,
            waiting_tool: None,
            waiting_since: None,
            cost: None,
            n_redacted: 0,
        };
        call.apply(item);
        call
    }

    /// Fold one newly stored event into the summary. Events may arrive in any
    /// order; the result does not depend on it except for `last_speaker`.
    pub fn apply(&mut self, item: &TimelineItem) {
        self.n_events += 1;
        self.started_at = self.started_at.min(implied_start(item));
        self.last_event_id = self.last_event_id.max(item.id);
        self.last_event_at = self.last_event_at.max(item.occurred_at);
        self.last_received_at = self.last_received_at.max(item.received_at);
        match &item.detail {
            EventDetail::Message { role, text } => {
                self.n_messages += 1;
                let latest = self.last_spoke_at.is_none_or(|t| item.occurred_at >= t);
                if latest && *role != Role::System {
                    self.last_speaker = Some(role.label().to_string());
                    self.last_spoke_at = Some(item.occurred_at);
                }
                let earliest = self.first_user_at.is_none_or(|t| item.occurred_at < t);
                if *role == Role::User && earliest {
                    self.first_user_text = Some(text.clone());
                    self.first_user_at = Some(item.occurred_at);
                }
            }
            EventDetail::ToolCall {
                function, error, ..
            } => {
                if self.waiting_tool.as_ref() == Some(function) {
                    self.waiting_tool = None;
                    self.waiting_since = None;
                }
                self.n_tool_calls += 1;
                if error.is_some() {
                    self.n_tool_errors += 1;
                }
            }
            EventDetail::Interruption { .. } => self.n_interruptions += 1,
            EventDetail::Hang { .. } => self.n_hangs += 1,
            // A transfer counts once, when it starts; the call is
            // "transferred" only once it was handed over (a cancelled or
            // unanswered transfer leaves it what it was).
            EventDetail::Transfer { stage, .. } => {
                if stage.begins() {
                    self.n_transfers += 1;
                }
                if stage.handed_over() {
                    self.advance(CallStatus::Transferred, item.occurred_at);
                }
            }
            EventDetail::End { ended_by } => {
                if let Some(by) = ended_by {
                    self.ended_by = Some(by.clone());
                }
                self.advance(ending(ended_by.as_deref()), item.occurred_at);
            }
            EventDetail::Report {
                summary,
                recording_url,
                duration_ms,
                ended_reason,
                cost,
                ..
            } => {
                self.cost = cost.or(self.cost);
                self.summary = summary.clone().or(self.summary.take());
                self.recording_url = recording_url.clone().or(self.recording_url.take());
                self.duration_ms = duration_ms.or(self.duration_ms);
                self.end_reason = ended_reason.clone().or(self.end_reason.take());
                self.advance(ending(ended_reason.as_deref()), item.occurred_at);
            }
            // A request's result, when it comes, is the tool call counted;
            // until then the call waits on it.
            EventDetail::ToolRequest { function, .. } => {
                self.waiting_tool = Some(function.clone());
                self.waiting_since = Some(item.received_at);
            }
            EventDetail::Signal { .. }
            | EventDetail::Latency { .. }
            | EventDetail::Unknown { .. } => {}
        }
    }

    /// What a live call is doing, in a few words, at `now_ms` (this
    /// server's clock): waiting on a tool, quiet (no event for
    /// [`QUIET_AFTER_MS`]), else who spoke last.
    pub fn live_state(&self, now_ms: i64) -> Option<String> {
        let seconds = |since: i64| (now_ms - since).max(0) / 1000;
        if let (Some(tool), Some(since)) = (&self.waiting_tool, self.waiting_since) {
            return Some(format!("waiting on {tool} for {} s", seconds(since)));
        }
        if now_ms - self.last_received_at >= QUIET_AFTER_MS {
            return Some(format!("quiet for {} s", seconds(self.last_received_at)));
        }
        self.last_speaker.as_ref().map(|s| format!("last: {s}"))
    }

    fn advance(&mut self, status: CallStatus, at: i64) {
        if status.rank() > self.status.rank() {
            self.status = status;
        }
        self.ended_at = Some(self.ended_at.map_or(at, |e| e.max(at)));
    }

    pub fn is_live(&self) -> bool {
        self.status == CallStatus::Live
    }

    /// Length of the call in ms: the report's figure, else end minus start, else
    /// (for a live call) `now` minus start.
    pub fn duration_at(&self, now_ms: i64) -> i64 {
        if let Some(d) = self.duration_ms {
            return d;
        }
        let end = self.ended_at.unwrap_or(now_ms.max(self.last_event_at));
        (end - self.started_at).max(0)
    }

    /// How the call ended, once, in words: "the caller hung up",
    /// "ended by user", "transferred". The platform's code is
    /// [`CallSummary::end_code`].
    pub fn outcome(&self) -> String {
        match (self.status, self.end_code()) {
            (CallStatus::Live, _) => "in progress".to_string(),
            (CallStatus::Transferred, Some(code)) if super::endings::is_transfer(code) => {
                super::endings::describe(code)
            }
            (CallStatus::Transferred, _) => "transferred".to_string(),
            (CallStatus::Ended, Some(code)) => super::endings::outcome(code),
            (CallStatus::Ended, None) => "ended".to_string(),
        }
    }

    /// The outcome with the platform's end reason beside it when the two
    /// say different things (`ended by user — the caller hung up`): the call
    /// page's header, so the header and the report never tell two stories.
    pub fn outcome_in_full(&self) -> String {
        let outcome = self.outcome();
        match &self.end_reason {
            Some(reason) if !self.is_live() && self.end_code() != Some(reason) => {
                format!("{outcome} — {}", super::endings::describe(reason))
            }
            _ => outcome,
        }
    }

    /// The platform's own code for how the call ended (`customer-ended-call`,
    /// `user_hangup`), shown on hover and searchable.
    pub fn end_code(&self) -> Option<&str> {
        self.ended_by.as_deref().or(self.end_reason.as_deref())
    }

    /// What the call was about, in a line: the report's summary, else the
    /// caller's first words.
    pub fn headline(&self) -> Option<&str> {
        self.summary.as_deref().or(self.first_user_text.as_deref())
    }

    /// A live call that has sent nothing for `stale_after_ms`: probably over
    /// without an end event. It leaves the Live section.
    pub fn is_stale(&self, now_ms: i64, stale_after_ms: i64) -> bool {
        self.is_live() && now_ms - self.last_received_at >= stale_after_ms
    }

    /// Made by calltrail itself (the demo, `simulate`, the "Send a test
    /// event" button), not by a connected agent.
    pub fn is_sample(&self) -> bool {
        self.call_id.starts_with(SAMPLE_PREFIX)
    }

    /// Whether the row deserves a second look: errors, hangs or interruptions.
    pub fn had_trouble(&self) -> bool {
        self.n_tool_errors > 0 || self.n_hangs > 0
    }
}

/// The status an end with this reason leaves a call in.
fn ending(reason: Option<&str>) -> CallStatus {
    match reason {
        Some(r) if super::endings::is_transfer(r) => CallStatus::Transferred,
        _ => CallStatus::Ended,
    }
}

/// A platform's code as words: `customer-ended-call` → `customer ended call`.
pub fn words(code: &str) -> String {
    code.replace(['-', '_'], " ")
}

/// When the call started, as far as this one event can tell.
fn implied_start(item: &TimelineItem) -> i64 {
    if let EventDetail::Report {
        started_at: Some(s),
        ..
    } = item.detail
    {
        return s;
    }
    match item.seconds_from_start {
        Some(s) if s >= 0.0 => item.occurred_at - (s * 1000.0).round() as i64,
        _ => item.occurred_at,
    }
}

#[cfg(test)]
mod tests;
