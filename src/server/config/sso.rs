//! Single sign-on settings: the OpenID Provider, how its users become
//! calltrail accounts (a default role, or roles from a groups claim), and
//! whether local passwords still sign in.

use clap::Args;

use super::Secret;
use crate::model::AccountRole;

#[derive(Debug, Clone, Args)]
pub struct SsoConfig {
    /// The OpenID Provider's issuer URL (discovery reads
    /// `<issuer>/.well-known/openid-configuration`); setting it, with the
    /// client id and secret, turns single sign-on on.
    #[arg(long = "oidc-issuer", env = "CALLTRAIL_OIDC_ISSUER")]
    pub issuer: Option<String>,
    /// calltrail's client id at the provider.
    #[arg(long = "oidc-client-id", env = "CALLTRAIL_OIDC_CLIENT_ID")]
    pub client_id: Option<String>,
    /// calltrail's client secret at the provider.
    #[arg(
        long = "oidc-client-secret",
        env = "CALLTRAIL_OIDC_CLIENT_SECRET",
        hide_env_values = true
    )]
    pub client_secret: Option<Secret>,
    /// The callback URL registered at the provider; default:
    /// `<CALLTRAIL_PUBLIC_URL>/sso/callback`.
    #[arg(long = "oidc-redirect-url", env = "CALLTRAIL_OIDC_REDIRECT_URL")]
    pub redirect_url: Option<String>,
    /// Scopes asked for besides `openid`, space-separated.
    #[arg(
        long = "oidc-scopes",
        env = "CALLTRAIL_OIDC_SCOPES",
        default_value = "profile email groups"
    )]
    pub scopes: String,
    /// The ID token claim that lists the user's groups.
    #[arg(
        long = "oidc-groups-claim",
        env = "CALLTRAIL_OIDC_GROUPS_CLAIM",
        default_value = "groups"
    )]
    pub groups_claim: String,
    /// The role of an account made at its first single sign-on, when no
    /// group names one.
    #[arg(long = "oidc-default-role", env = "CALLTRAIL_OIDC_DEFAULT_ROLE", default_value = "viewer", value_parser = role)]
    pub default_role: AccountRole,
    /// Roles from groups, `role=group,role=group` (e.g.
    /// `admin=calltrail-admins,restricted=contractors`): set at every sign-in,
    /// the most trusted role any of the user's groups names wins.
    #[arg(long = "oidc-role-groups", env = "CALLTRAIL_OIDC_ROLE_GROUPS")]
    pub role_groups: Option<String>,
    /// What the sign-in page's button says: "Sign in with …".
    #[arg(
        long = "oidc-label",
        env = "CALLTRAIL_OIDC_LABEL",
        default_value = "single sign-on"
    )]
    pub label: String,
    /// Whether accounts' own passwords sign in (`false`: single sign-on only;
    /// first-run setup still makes the first admin).
    #[arg(long = "password-sign-in", env = "CALLTRAIL_PASSWORD_SIGN_IN", default_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub passwords: bool,
}

impl Default for SsoConfig {
    fn default() -> Self {
        SsoConfig {
            issuer: None,
            client_id: None,
            client_secret: None,
            redirect_url: None,
            scopes: "profile email groups".into(),
            groups_claim: "groups".into(),
            default_role: AccountRole::Viewer,
            role_groups: None,
            label: "single sign-on".into(),
            passwords: true,
        }
    }
}

fn role(value: &str) -> Result<AccountRole, String> {
    AccountRole::parse(value).map_err(|e| e.to_string())
}

impl SsoConfig {
    /// `(role, group)` pairs of [`SsoConfig::role_groups`]; an unknown role
    /// or a pair without `=` is an error.
    pub fn role_map(&self) -> Result<Vec<(AccountRole, String)>, String> {
        let Some(list) = &self.role_groups else {
            return Ok(Vec::new());
        };
        list.split(',')
            .map(str::trim)
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (role, group) = pair.split_once('=').ok_or_else(|| {
                    format!("CALLTRAIL_OIDC_ROLE_GROUPS: {pair:?} is not role=group")
                })?;
                let role = AccountRole::parse(role).map_err(|e| e.to_string())?;
                Ok((role, group.trim().to_string()))
            })
            .collect()
    }
}
