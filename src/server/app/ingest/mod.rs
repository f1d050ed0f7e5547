//! What a webhook delivery becomes: each platform's payloads parsed into
//! timeline events, the parties of a call, and the refused deliveries'
//! per-address limit. The route that receives them is `http::webhooks`.

mod fields;
pub mod infer;
pub mod parties;
mod platform;
pub mod refusal_limit;
pub mod refusal_summary;
pub mod retell;
pub mod timestamp;
pub mod vapi;

pub use platform::{Item, ParseError, ParsedEvent, Platform};
pub use refusal_limit::RefusalLimiter;
pub use refusal_summary::{spawn_flush, RefusalFlush};
