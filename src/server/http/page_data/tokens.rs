//! What `/settings/tokens` shows: the account's API tokens (an admin's:
//! everyone's), and the token just made, once.

use crate::model::tokens::TokensPage;
use crate::model::Action;
use crate::server::http::auth::CurrentUser;
use crate::server::store::prelude::*;
use crate::server::store::{self, now_ms, Store};

/// Where the session keeps a token just made, until the tokens page shows it.
pub const NEW_TOKEN: &str = "new_token";

pub async fn tokens_page(
    store: &Store,
    you: &CurrentUser,
    new_token: Option<String>,
) -> Result<TokensPage, store::Error> {
    let everyone = you.role.may(Action::Administer);
    let owner = (!everyone).then_some(you.id);
    Ok(TokensPage {
        tokens: store.tokens(owner).await?,
        new_token,
        everyone,
        now: now_ms(),
    })
}
