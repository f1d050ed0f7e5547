//! `/setup`: the one-time page that creates the admin account. Once an
//! account exists, the server sends everyone to `/login` instead.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::server_fns::setup_needs_code;

#[component]
pub fn SetupPage() -> impl IntoView {
    let query = use_query_map();
    let needs_code = Resource::new(|| (), |_| setup_needs_code());
    let error = query
        .with(|q| q.get("error"))
        .map(|code| match code.as_str() {
            "mismatch" => "The two passwords differ.",
            "code" => "The setup code is wrong: use the one the server printed when it started.",
            "invalid" => {
                "Choose a username without spaces and a password of at least 8 characters."
            }
            _ => "The account could not be created; try again.",
        });
    view! {
        <Title text="Create the admin account"/>
        <section class="auth-card" aria-labelledby="setup-heading">
            <h1 id="setup-heading">"Welcome to calltrail"</h1>
            <p>"Create the admin account. This page works only once: after that, everyone signs in."</p>
            {error.map(|text| view! { <p class="notice notice-error" role="alert">{text}</p> })}
            <form method="post" action="/setup" class="stacked">
                <label>"Username"
                    <input name="username" autocomplete="username" required autofocus/>
                </label>
                <label>"Password " <span class="muted">"(at least 8 characters)"</span>
                    <input type="password" name="password" autocomplete="new-password" minlength="8" required/>
                </label>
                <label>"Password again"
                    <input type="password" name="confirm" autocomplete="new-password" minlength="8" required/>
                </label>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        needs_code.await.unwrap_or(false).then(|| view! {
                            <label>"Setup code " <span class="muted">"(printed by the server when it started)"</span>
                                <input name="code" autocomplete="off" spellcheck="false" required/>
                            </label>
                        })
                    })}
                </Suspense>
                <button type="submit" class="button primary">"Create account"</button>
            </form>
            <p class="muted">"For automated set-ups, " <code>"CALLTRAIL_ADMIN_USER"</code> " and "
                <code>"CALLTRAIL_ADMIN_PASSWORD"</code> " create this account at start-up."</p>
        </section>
    }
}
