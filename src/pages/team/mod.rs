//! A team's pages: the users, the audit log, a one-time link's page, and
//! API tokens.

mod audit;
mod invite;
mod tokens;
mod users;

pub use audit::AuditLogPage;
pub use invite::InvitePage;
pub use tokens::TokensPage;
pub use users::UsersPage;
