//! Server functions: one per page, each a thin call into
//! [`crate::server::views`], which holds the tested logic.

mod call;
mod calls;
mod deliveries;

pub use call::{load_call, LoadCall};
pub use calls::{load_calls, LoadCalls};
pub use deliveries::{load_deliveries, LoadDeliveries};
