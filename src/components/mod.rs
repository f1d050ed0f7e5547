//! Reusable pieces of the pages, one per file.

mod alert_bell;
mod call_header;
mod calls_table;
mod clock;
mod connect_panel;
mod counters;
pub mod follow;
mod form_notice;
mod live_stream;
mod pager;
mod raw_json;
mod source_badge;
mod status_badge;
mod timeline_entry;
mod topbar;

pub use alert_bell::AlertBell;
pub use call_header::CallHeader;
pub use calls_table::CallsTable;
pub use clock::use_clock;
pub use connect_panel::ConnectPanel;
pub use counters::Counters;
pub use form_notice::FormNotice;
pub use live_stream::{use_live_stream, LinkState, LiveIndicator};
pub use pager::Pager;
pub use raw_json::RawJson;
pub use source_badge::SourceBadge;
pub use status_badge::StatusBadge;
pub use timeline_entry::TimelineEntry;
pub use topbar::TopBar;
