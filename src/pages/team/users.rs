//! `/settings/users`: every account with its role and standing, the links
//! waiting to be used, and a one-time invitation link to make. Admins only
//! (the server refuses everyone else).

use leptos::prelude::*;
use leptos_meta::Title;

use super::super::LoadError;
use crate::components::{FormNotice, Moment};
use crate::model::accounts::{LinkView, UserView, UsersPage as Data};
use crate::model::AccountRole;
use crate::server_fns::load_users;

#[component]
pub fn UsersPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_users());
    view! {
        <Title text="Users"/>
        <div class="page-head">
            <h1>"Users"</h1>
            <a class="button" href="/settings/audit">"Audit log"</a>
        </div>
        <FormNotice/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the accounts…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <Users data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Users(data: Data) -> impl IntoView {
    let Data {
        users,
        links,
        new_link,
        now,
    } = data;
    view! {
        {new_link.map(|link| view! {
            <section class="notice notice-ok new-link" aria-labelledby="new-link-head">
                <h2 id="new-link-head">"The new link"</h2>
                <p>"Send it to the person it is for. It works once, and only this page shows it."</p>
                <input type="text" readonly value=link aria-label="The new link" data-testid="new-link" class="wide"/>
            </section>
        })}
        <section class="settings-section" aria-labelledby="invite-head">
            <h2 id="invite-head">"Invite someone"</h2>
            <form method="post" action="/settings/users/invite" class="inline">
                <label>"Role " <RoleSelect chosen=AccountRole::Viewer/></label>
                " "
                <button type="submit" class="button primary">"Make an invitation link"</button>
            </form>
            <p class="muted">"The link works once, for 7 days: whoever opens it chooses a name and a password."</p>
            <RoleNotes/>
        </section>
        <section class="settings-section" aria-labelledby="accounts-head">
            <h2 id="accounts-head">"Accounts"</h2>
            <table class="users">
                <thead><tr><th>"Name"</th><th>"Role"</th><th>"Standing"</th><th>"Since"</th><th><span class="sr-only">"Actions"</span></th></tr></thead>
                <tbody>{users.into_iter().map(|user| view! { <UserRow user/> }).collect_view()}</tbody>
            </table>
        </section>
        <section class="settings-section" aria-labelledby="links-head">
            <h2 id="links-head">"Links waiting"</h2>
            {if links.is_empty() {
                view! { <p class="empty-inline">"No invitation or reset link is waiting."</p> }.into_any()
            } else {
                view! { <ul class="links">{links.into_iter().map(|link| view! { <LinkRow link now/> }).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
}

#[component]
fn UserRow(user: UserView) -> impl IntoView {
    let id = user.id;
    let name = user.username.clone();
    let standing = if user.disabled { "disabled" } else { "active" };
    let (toggle, verb) = if user.disabled {
        ("enable", "Enable")
    } else {
        ("disable", "Disable")
    };
    view! {
        <tr data-user=user.username.clone() class:user-disabled=user.disabled>
            <td>
                {user.username.clone()}
                {user.is_you.then_some(" (you)")}
                {user.single_sign_on.then(|| view! { " " <span class="tag">"single sign-on"</span> })}
            </td>
            <td>
                <form method="post" action=format!("/settings/users/{id}/role") class="inline">
                    <RoleSelect chosen=user.role label=format!("Role of {name}")/>
                    " "
                    <button type="submit" class="button quiet" aria-label=format!("Save the role of {name}")>"Save"</button>
                </form>
            </td>
            <td data-testid="standing">{standing}</td>
            <td><Moment at=user.created_at/></td>
            <td class="actions">
                <form method="post" action=format!("/settings/users/{id}/{toggle}") class="inline">
                    <button type="submit" class=if user.disabled { "button" } else { "button danger" }
                        aria-label=format!("{verb} {name}")>{verb}</button>
                </form>
                {(!user.single_sign_on).then(|| view! {
                    <form method="post" action=format!("/settings/users/{id}/reset") class="inline">
                        <button type="submit" class="button quiet" aria-label=format!("Make a password-reset link for {name}")>"Reset password…"</button>
                    </form>
                })}
            </td>
        </tr>
    }
}

#[component]
fn LinkRow(link: LinkView, now: i64) -> impl IntoView {
    let id = link.id;
    let left = crate::model::format::duration(link.expires_at - now);
    view! {
        <li>
            {link.purpose.describe()} ", made " <Moment at=link.created_at/> ", works for " {left} " more "
            <form method="post" action=format!("/settings/users/links/{id}/revoke") class="inline">
                <button type="submit" class="button quiet">"Withdraw"</button>
            </form>
        </li>
    }
}

#[component]
fn RoleSelect(chosen: AccountRole, #[prop(optional, into)] label: Option<String>) -> impl IntoView {
    view! {
        <select name="role" aria-label=label>
            {AccountRole::ALL.into_iter().map(|role| view! {
                <option value=role.as_str() selected=role == chosen>{role.label()}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn RoleNotes() -> impl IntoView {
    view! {
        <dl class="role-notes muted">
            <dt>"Admin"</dt><dd>"Everything, users, settings and secrets included."</dd>
            <dt>"Editor"</dt><dd>"Rules, channels, destinations, saved views and replays; no users or secrets."</dd>
            <dt>"Viewer"</dt><dd>"Reads everything, changes nothing."</dd>
            <dt>"Restricted viewer"</dt><dd>"Reads calls with sensitive data redacted; no raw payloads, delivery log or recordings."</dd>
        </dl>
    }
}
