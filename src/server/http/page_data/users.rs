//! What the users page, the audit log and a one-time link's page show.

use super::Paging;
use crate::model::accounts::{AuditPage, InviteView, UsersPage};
use crate::server::app::accounts::{link_hash, link_view, user_view};
use crate::server::store::audit::AuditFilter;
use crate::server::store::prelude::*;
use crate::server::store::{self, now_ms, Store};

/// Where the session keeps a link just made, until the users page shows it.
pub const NEW_LINK: &str = "new_link";
/// Audit entries per page.
pub const AUDIT_PER_PAGE: u32 = 100;

/// Every account and waiting link; `new_link` is the full URL of a link
/// just made, shown once.
pub async fn users_page(
    store: &Store,
    you: i64,
    new_link: Option<String>,
) -> Result<UsersPage, store::Error> {
    let users = store.users().await?;
    let links = store.pending_links().await?;
    Ok(UsersPage {
        users: users.iter().map(|u| user_view(u, you)).collect(),
        links: links.iter().filter_map(link_view).collect(),
        new_link,
        now: now_ms(),
    })
}

/// The audit log's filters as asked for, blanks left out.
pub fn audit_filter(
    actor: Option<String>,
    action: Option<String>,
    text: Option<String>,
) -> AuditFilter {
    let given = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    AuditFilter {
        actor: given(actor),
        action: given(action),
        text: given(text),
    }
}

/// One page of the audit log, filtered.
pub async fn audit_page(
    store: &Store,
    page: u32,
    filter: AuditFilter,
) -> Result<AuditPage, store::Error> {
    let paging = Paging::new(page, AUDIT_PER_PAGE);
    let (rows, has_more) = paging.split(
        store
            .audit_entries(&filter, paging.offset, paging.limit)
            .await?,
    );
    Ok(AuditPage {
        rows,
        page: paging.page,
        has_more,
        actor: filter.actor,
        action: filter.action,
        text: filter.text,
    })
}

/// What the link with secret `token` does, while it works.
pub async fn invite_view(store: &Store, token: &str) -> Result<Option<InviteView>, store::Error> {
    let link = store.pending_link(&link_hash(token)).await?;
    Ok(link.as_ref().and_then(link_view).map(|view| InviteView {
        purpose: view.purpose,
        expires_at: view.expires_at,
    }))
}
