//! Types shared by the server and the browser: what a call, a timeline item and a
//! delivery look like once calltrail has made sense of them.

mod access;
pub mod accounts;
pub mod alert_plan;
mod alerts;
mod automation;
mod call;
pub mod call_text;
pub mod clip;
pub mod compare;
mod delivery;
pub mod endings;
pub mod error_body;
mod event;
pub mod export;
pub mod format;
pub mod insights;
pub mod issues;
pub mod latency;
mod links;
pub mod metrics;
pub mod notice;
pub mod overview;
mod pages;
mod parties;
pub mod platform;
pub mod query;
pub mod rates;
pub mod review;
mod rules;
mod search;
pub mod settings;
mod sort;
pub mod team;
mod theme;
pub mod time;
pub mod tokens;
pub mod tool_line;
mod transfer;
pub mod unmapped;

pub use access::{ConnectInfo, PlatformLink, TestEvent, TracesLink, Viewer};
pub use alerts::{
    event_link, AlertNotice, AlertState, AlertView, AlertsPage, OnMatch, RuleView, Standing,
};
pub use automation::{
    AttemptView, AutomationsPage, ChannelKind, ChannelView, DestinationView, Sending,
};
pub use call::{stale_after, words, CallStatus, CallSummary, SAMPLE_PREFIX};
pub use compare::ComparePage;
pub use delivery::{Delivery, DeliveryFilter, DeliveryOutcome, BODY_PREVIEW_BYTES, EVENT_KINDS};
pub use event::{
    event_anchor, insert_sorted, EventDetail, LiveUpdate, ReportTurn, Role, TimelineItem,
    TransferStage, FORWARD_KINDS,
};
pub use issues::{cause_of, IssueView, IssuesPage};
pub use links::{calls_with, is_own_recording, safe_link, RECORDINGS};
pub use notice::{FormError, Notice};
pub use pages::{CallTimeline, CallsPage, DeliveriesPage, RawAccess, TimelinePoint};
pub use parties::Parties;
pub use rules::{normal_endings, Condition, MatchOp, RuleSpec};
pub use search::{highlight, SavedView, SearchHit, SearchResults, HIT_END, HIT_START};
pub use settings::{DatabaseInfo, RetentionSetting, SettingsPage};
pub use sort::{ListOrder, Sort, SortKey};
pub use team::{AccountRole, Action};
pub use theme::{Theme, THEME_COOKIE};
