//! `/settings/tokens`: the account's API tokens with their last use, a form
//! to make one (shown once), and revoking. An admin sees everyone's.

use leptos::prelude::*;
use leptos_meta::Title;

use super::super::LoadError;
use crate::components::{FormNotice, Moment};
use crate::model::tokens::{TokenScope, TokenView, TokensPage as Data, LIFETIMES};
use crate::server_fns::load_tokens;

#[component]
pub fn TokensPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_tokens());
    view! {
        <Title text="API tokens"/>
        <div class="page-head">
            <h1>"API tokens"</h1>
            <a class="button" href="/api/v1/openapi.json" rel="external">"OpenAPI document"</a>
        </div>
        <FormNotice/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the tokens…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <Tokens data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Tokens(data: Data) -> impl IntoView {
    let Data {
        tokens,
        new_token,
        everyone,
        now,
    } = data;
    view! {
        {new_token.map(|token| view! {
            <section class="notice notice-ok new-link" aria-labelledby="new-token-head">
                <h2 id="new-token-head">"The new token"</h2>
                <p>"Copy it now: only this page shows it, once. Send it as " <code>"Authorization: Bearer …"</code> "."</p>
                <input type="text" readonly value=token aria-label="The new token" data-testid="new-token" class="wide"/>
            </section>
        })}
        <section class="settings-section" aria-labelledby="make-token-head">
            <h2 id="make-token-head">"Make a token"</h2>
            <form method="post" action="/settings/tokens" class="inline">
                <label>"Name " <input type="text" name="name" required maxlength="60" placeholder="nightly report"/></label>
                " "
                <label>"Scope "
                    <select name="scope">
                        {TokenScope::ALL.into_iter().map(|scope| view! {
                            <option value=scope.as_str()>{scope_label(scope)}</option>
                        }).collect_view()}
                    </select>
                </label>
                " "
                <label>"Works for "
                    <select name="expires">
                        {LIFETIMES.into_iter().map(|(days, label)| view! {
                            <option value=days.map_or_else(|| "never".to_string(), |d| format!("{d}d")) selected=days == Some(30)>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
                " "
                <button type="submit" class="button primary">"Make the token"</button>
            </form>
            <p class="muted">"A token acts as you, never beyond your role now or the role you have when you make it: a restricted viewer's token reads calls redacted. "
               "Read and write also acknowledges and resolves alerts and changes rules and destinations, when your role may."</p>
        </section>
        <section class="settings-section" aria-labelledby="tokens-list-head">
            <h2 id="tokens-list-head">{if everyone { "Everyone's tokens" } else { "Your tokens" }}</h2>
            {if tokens.is_empty() {
                view! { <p class="empty-inline">"No token yet. Make one above, or on the server: " <code>"calltrail token create --user NAME"</code> "."</p> }.into_any()
            } else {
                view! {
                    <table class="tokens">
                        <thead><tr>
                            <th>"Name"</th>
                            {everyone.then(|| view! { <th>"Account"</th> })}
                            <th>"Scope"</th><th>"At most"</th><th>"Made"</th><th>"Last used"</th><th>"Works until"</th>
                            <th><span class="sr-only">"Actions"</span></th>
                        </tr></thead>
                        <tbody>{tokens.into_iter().map(|token| view! { <TokenRow token everyone now/> }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

fn scope_label(scope: TokenScope) -> &'static str {
    match scope {
        TokenScope::Read => "read",
        TokenScope::ReadWrite => "read and write",
    }
}

#[component]
fn TokenRow(token: TokenView, everyone: bool, now: i64) -> impl IntoView {
    let works = token.works(now);
    let id = token.id;
    let name = token.name.clone();
    let until = match (token.revoked_at, token.expires_at) {
        (Some(at), _) => view! { "revoked " <Moment at/> }.into_any(),
        (None, Some(at)) if at <= now => view! { "expired " <Moment at/> }.into_any(),
        (None, Some(at)) => view! { <Moment at/> }.into_any(),
        (None, None) => view! { "until revoked" }.into_any(),
    };
    view! {
        <tr data-token=token.name.clone() class:token-done=!works>
            <td>{token.name.clone()}</td>
            {everyone.then(|| view! { <td>{token.owner.clone()}</td> })}
            <td>{scope_label(token.scope)}</td>
            <td>{token.made_as.label()}</td>
            <td><Moment at=token.created_at/></td>
            <td data-testid="last-used">{match token.last_used_at {
                Some(at) => view! { <Moment at/> }.into_any(),
                None => view! { "never" }.into_any(),
            }}</td>
            <td>{until}</td>
            <td class="actions">
                {works.then(|| view! {
                    <form method="post" action=format!("/settings/tokens/{id}/revoke") class="inline">
                        <button type="submit" class="button danger" aria-label=format!("Revoke {name}")>"Revoke"</button>
                    </form>
                })}
            </td>
        </tr>
    }
}
