//! A team's pages: the users, the audit log, and a one-time link's page.

mod audit;
mod invite;
mod users;

pub use audit::AuditLogPage;
pub use invite::InvitePage;
pub use users::UsersPage;
