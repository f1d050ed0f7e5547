//! What the users page and a one-time link's page show.

use serde::{Deserialize, Serialize};

use super::AccountRole;

/// One account, as an admin sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub role: AccountRole,
    pub disabled: bool,
    /// Signs in through single sign-on (it has no password of its own).
    pub single_sign_on: bool,
    pub created_at: i64,
    /// The admin looking at the page.
    pub is_you: bool,
}

/// What a one-time link does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkPurpose {
    /// Makes a new account with this role.
    Invite(AccountRole),
    /// Sets a new password for this account.
    Reset(String),
}

impl LinkPurpose {
    pub fn describe(&self) -> String {
        match self {
            LinkPurpose::Invite(role) => format!("Invitation ({})", role.label().to_lowercase()),
            LinkPurpose::Reset(name) => format!("Password reset for {name}"),
        }
    }
}

/// A link waiting to be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    pub id: i64,
    pub purpose: LinkPurpose,
    pub created_at: i64,
    pub expires_at: i64,
}

/// `/settings/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPage {
    pub users: Vec<UserView>,
    pub links: Vec<LinkView>,
    /// The link just made, shown this once (only its hash is kept).
    pub new_link: Option<String>,
    pub now: i64,
}

/// `/invite/{token}`: what the link does, while it works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteView {
    pub purpose: LinkPurpose,
    pub expires_at: i64,
}

/// How the sign-in page offers to sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInOptions {
    /// "Sign in with {label}", when single sign-on is set up.
    pub single_sign_on: Option<String>,
    /// Accounts' own passwords sign in.
    pub passwords: bool,
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub at: i64,
    pub actor: String,
    pub address: Option<String>,
    pub action: String,
    pub target: String,
    pub summary: String,
}

/// `/settings/audit`: a page of entries, newest first, and the filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub page: u32,
    pub has_more: bool,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub text: Option<String>,
}

impl AuditPage {
    /// The filters as a query string (without `page`), for links and the export.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        for (key, value) in [
            ("actor", &self.actor),
            ("action", &self.action),
            ("text", &self.text),
        ] {
            if let Some(v) = value {
                parts.push(format!("{key}={}", super::format::url_segment(v)));
            }
        }
        parts.join("&")
    }
}
