//! API tokens: what a script, the CLI or a coding agent signs its requests
//! with. A token acts as the account that made it, never above its role,
//! and only as far as its scope allows.

use serde::{Deserialize, Serialize};

use super::{AccountRole, Action};

/// What a token may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TokenScope {
    /// Reads calls, events, deliveries, alerts, rules, destinations, insights.
    Read,
    /// Also acknowledges and resolves alerts and changes rules and destinations.
    ReadWrite,
}

impl TokenScope {
    pub const ALL: [TokenScope; 2] = [TokenScope::Read, TokenScope::ReadWrite];

    /// Whether the scope covers `action`. No token administers (users,
    /// settings, secrets) or acts on an account's own things (its password).
    pub fn allows(self, action: Action) -> bool {
        match action {
            Action::ReadCalls | Action::ReadRaw => true,
            Action::Edit | Action::Review => self == TokenScope::ReadWrite,
            Action::OwnAccount | Action::Administer => false,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::ReadWrite => "read+write",
        }
    }

    /// Strict: an unknown scope is an error, never a default.
    pub fn parse(name: &str) -> Result<TokenScope, String> {
        TokenScope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == name.trim())
            .ok_or_else(|| format!("{name:?} is not a token scope (read or read+write)"))
    }
}

impl std::fmt::Display for TokenScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for TokenScope {
    type Error = String;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        TokenScope::parse(&name)
    }
}

/// The role a token acts with: its account's role now, never above the
/// one the account had when the token was made (a promotion does not
/// widen old tokens; a demotion narrows them at once).
pub fn acting_role(now: AccountRole, made_as: AccountRole) -> AccountRole {
    // Roles are ordered from most to least trusted.
    now.max(made_as)
}

/// Whether a request made with a token of `scope`, by an account with
/// `role`, may do `action`: both must allow it.
pub fn token_may(role: AccountRole, scope: TokenScope, action: Action) -> bool {
    scope.allows(action) && role.may(action)
}

/// One token as its list shows it (never the secret, which is shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    /// The account's role when the token was made: the most it may do.
    pub made_as: AccountRole,
    /// Whose token it is (admins see everyone's).
    pub owner: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl TokenView {
    /// Still usable at `now` (epoch ms).
    pub fn works(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| at > now)
    }
}

/// `/settings/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensPage {
    pub tokens: Vec<TokenView>,
    /// The token just made, shown this once (only its hash is kept).
    pub new_token: Option<String>,
    /// Whether the list holds everyone's tokens (an admin's view).
    pub everyone: bool,
    pub now: i64,
}

/// The lifetimes the form offers, in days (`None`: never expires).
pub const LIFETIMES: [(Option<u32>, &str); 5] = [
    (Some(7), "7 days"),
    (Some(30), "30 days"),
    (Some(90), "90 days"),
    (Some(365), "1 year"),
    (None, "never"),
];

/// Reads a lifetime as the shell and the form give it: `30d`, `12h`,
/// `never`; `None` for one that never ends.
pub fn parse_lifetime(text: &str) -> Result<Option<i64>, String> {
    let text = text.trim();
    if text == "never" {
        return Ok(None);
    }
    let bad = || format!("{text:?} is not a lifetime: write e.g. 30d, 12h or never");
    let (number, unit_ms) = match text.char_indices().last() {
        Some((i, 'd')) => (&text[..i], 86_400_000),
        Some((i, 'h')) => (&text[..i], 3_600_000),
        _ => return Err(bad()),
    };
    let n: i64 = number.parse().map_err(|_| bad())?;
    if !(1..=3650 * 24).contains(&n) {
        return Err(bad());
    }
    Ok(Some(n * unit_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_and_role_both_bound_a_token() {
        use AccountRole::*;
        use TokenScope::*;
        assert!(token_may(Editor, ReadWrite, Action::Edit));
        assert!(!token_may(Editor, Read, Action::Edit));
        assert!(!token_may(Viewer, ReadWrite, Action::Edit));
        assert!(token_may(Viewer, Read, Action::ReadRaw));
        assert!(!token_may(Restricted, ReadWrite, Action::ReadRaw));
        assert!(token_may(Restricted, Read, Action::ReadCalls));
        assert!(!token_may(Admin, ReadWrite, Action::Administer));
        assert!(!token_may(Admin, ReadWrite, Action::OwnAccount));
    }

    #[test]
    fn a_token_never_acts_above_the_role_it_was_made_with() {
        use AccountRole::*;
        assert_eq!(acting_role(Admin, Viewer), Viewer, "promoted later");
        assert_eq!(acting_role(Viewer, Admin), Viewer, "demoted later");
        assert_eq!(acting_role(Editor, Editor), Editor);
    }

    #[test]
    fn scopes_and_lifetimes_are_strict() {
        assert_eq!(TokenScope::parse("read+write"), Ok(TokenScope::ReadWrite));
        assert!(TokenScope::parse("write").is_err());
        assert_eq!(parse_lifetime("30d"), Ok(Some(30 * 86_400_000)));
        assert_eq!(parse_lifetime("12h"), Ok(Some(12 * 3_600_000)));
        assert_eq!(parse_lifetime("never"), Ok(None));
        for bad in ["", "0d", "30", "d", "-1d", "30m", "1.5d"] {
            assert!(parse_lifetime(bad).is_err(), "{bad}");
        }
    }
}
