//! Who may do what: an account's role, the actions the dashboard offers, and
//! the one table that joins them. The server asks [`AccountRole::may`] in
//! front of every route; pages ask it to leave out what a role cannot use.

use serde::{Deserialize, Serialize};

/// An account's role, from most to least trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountRole {
    /// Everything, users, settings and secrets included.
    Admin,
    /// Rules, channels, destinations, saved views and replays; no users or secrets.
    Editor,
    /// Reads everything, changes nothing.
    Viewer,
    /// Reads calls with sensitive data redacted; no raw payloads, delivery
    /// bodies or recordings.
    Restricted,
}

/// What a request does, as far as permissions go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// The signed-in person's own things: their password, signing out.
    OwnAccount,
    /// Calls, timelines, alerts, insights: what every role reads (redacted
    /// for a restricted viewer).
    ReadCalls,
    /// Raw payloads, delivery bodies and the delivery log, recordings, raw
    /// exports: unredacted data.
    ReadRaw,
    /// Rules, channels, destinations, saved views, alert actions, replays.
    Edit,
    /// Users, settings, secrets, the audit log, deleting calls.
    Administer,
    /// Notes, flags, scores and "reviewed" marks: editors and admins, and
    /// viewers when an admin lets them ([`AccountRole::may_review`]).
    Review,
}

impl AccountRole {
    pub const ALL: [AccountRole; 4] = [
        AccountRole::Admin,
        AccountRole::Editor,
        AccountRole::Viewer,
        AccountRole::Restricted,
    ];

    /// The one permission table.
    pub fn may(self, action: Action) -> bool {
        use AccountRole::*;
        match action {
            Action::OwnAccount | Action::ReadCalls => true,
            Action::ReadRaw => matches!(self, Admin | Editor | Viewer),
            Action::Edit => matches!(self, Admin | Editor),
            Action::Administer => self == Admin,
            Action::Review => matches!(self, Admin | Editor),
        }
    }

    /// Whether the role may review calls, when admins do (`viewers`) or do
    /// not let viewers review. Restricted viewers never do: their notes
    /// would be about text they cannot read.
    pub fn may_review(self, viewers: bool) -> bool {
        self.may(Action::Review) || (viewers && self == AccountRole::Viewer)
    }

    /// Whether what this role reads is redacted.
    pub fn sees_redacted(self) -> bool {
        !self.may(Action::ReadRaw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccountRole::Admin => "admin",
            AccountRole::Editor => "editor",
            AccountRole::Viewer => "viewer",
            AccountRole::Restricted => "restricted",
        }
    }

    /// How the users page names the role.
    pub fn label(self) -> &'static str {
        match self {
            AccountRole::Admin => "Admin",
            AccountRole::Editor => "Editor",
            AccountRole::Viewer => "Viewer",
            AccountRole::Restricted => "Restricted viewer",
        }
    }

    /// Strict: an unknown name is an error, never a default role.
    pub fn parse(name: &str) -> Result<AccountRole, UnknownRole> {
        AccountRole::ALL
            .into_iter()
            .find(|role| role.as_str() == name.trim())
            .ok_or_else(|| UnknownRole(name.to_string()))
    }
}

impl std::fmt::Display for AccountRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for AccountRole {
    type Error = UnknownRole;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        AccountRole::parse(&name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a role (admin, editor, viewer or restricted)")]
pub struct UnknownRole(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table() {
        use AccountRole::*;
        let rows = [
            (Admin, [true, true, true, true, true, true]),
            (Editor, [true, true, true, true, false, true]),
            (Viewer, [true, true, true, false, false, false]),
            (Restricted, [true, true, false, false, false, false]),
        ];
        let actions = [
            Action::OwnAccount,
            Action::ReadCalls,
            Action::ReadRaw,
            Action::Edit,
            Action::Administer,
            Action::Review,
        ];
        for (role, allowed) in rows {
            for (action, want) in actions.iter().zip(allowed) {
                assert_eq!(role.may(*action), want, "{role} {action:?}");
            }
        }
        assert!(Viewer.may_review(true) && !Viewer.may_review(false));
        assert!(!Restricted.may_review(true) && Editor.may_review(false));
        assert!(Restricted.sees_redacted());
        assert!(!Viewer.sees_redacted());
    }

    #[test]
    fn names_are_strict() {
        for role in AccountRole::ALL {
            assert_eq!(AccountRole::parse(role.as_str()), Ok(role));
        }
        assert!(AccountRole::parse("Admin").is_err());
        assert!(AccountRole::parse("owner").is_err());
        assert!(AccountRole::parse("").is_err());
    }
}
