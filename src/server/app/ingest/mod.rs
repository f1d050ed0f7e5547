//! What ingest does beside parsing (each platform's parser is in
//! `app::platforms`): the per-address limit on logged refusals, and the
//! summaries of refusals counted past it. The route that receives
//! deliveries is `http::webhooks`.

pub mod refusal_limit;
pub mod refusal_summary;

pub use refusal_limit::RefusalLimiter;
pub use refusal_summary::{spawn_flush, RefusalFlush};
