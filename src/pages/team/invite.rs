//! `/invite/{token}`: a one-time link opened — an invitation asks for a name
//! and a password, a reset link for the new password. A plain form posting
//! to the server, so it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::super::LoadError;
use crate::components::Moment;
use crate::model::accounts::{InviteView, LinkPurpose};
use crate::server_fns::load_invite;

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let data = Resource::new(token, load_invite);
    view! {
        <Title text="Your account"/>
        <section class="auth-card" aria-labelledby="invite-heading">
            <Suspense fallback=|| view! { <p class="loading">"Reading the link…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(Some(view_)) => view! { <LinkForm view_ token=token()/> }.into_any(),
                        Ok(None) => view! {
                            <h1 id="invite-heading">"This link does not work"</h1>
                            <p>"It was used already, withdrawn, or it expired. Ask an admin for a new one."</p>
                            <p><a href="/login">"Sign in"</a></p>
                        }.into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn LinkForm(view_: InviteView, token: String) -> impl IntoView {
    let query = use_query_map();
    let error = query
        .with(|q| q.get("error"))
        .map(|code| match code.as_str() {
            "mismatch" => "The password and its confirmation differ.",
            "invalid" => "Choose a name, and a password of 8 to 1024 characters.",
            "taken" => "That name is taken; choose another.",
            "expired" => "This link no longer works.",
            _ => "That did not work; try again.",
        });
    let (heading, inviting) = match &view_.purpose {
        LinkPurpose::Invite(role) => (
            format!("Join calltrail as {}", role.label().to_lowercase()),
            true,
        ),
        LinkPurpose::Reset(name) => (format!("A new password for {name}"), false),
    };
    view! {
        <h1 id="invite-heading">{heading}</h1>
        {error.map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
        <form method="post" action=format!("/invite/{token}") class="stacked">
            {inviting.then(|| view! {
                <label>"Your name " <input name="username" autocomplete="username" required autofocus/></label>
            })}
            <label>"Password (8 characters or more) "
                <input type="password" name="password" autocomplete="new-password" minlength="8" required/>
            </label>
            <label>"Password again "
                <input type="password" name="confirm" autocomplete="new-password" minlength="8" required/>
            </label>
            <button type="submit" class="button primary">{if inviting { "Create my account" } else { "Set the password" }}</button>
        </form>
        <p class="muted">"This link works until " <Moment at=view_.expires_at/> ", once."</p>
    }
}
