//! `/login`: a plain form (fields `username` and `password`) that posts to
//! the server, so it works before, during and without hydration.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name));
    let next = param("next").unwrap_or_else(|| "/".to_string());
    let message = match param("error").as_deref() {
        Some("invalid") => Some(("notice-error", "Wrong username or password.".to_string())),
        Some("throttled") => Some((
            "notice-error",
            format!(
                "Too many failed attempts. Try again in {} seconds.",
                param("wait").unwrap_or_else(|| "a few".into())
            ),
        )),
        Some(_) => Some(("notice-error", "Signing in failed; try again.".to_string())),
        None if param("signed_out").is_some() => Some(("", "You are signed out.".to_string())),
        None => None,
    };
    view! {
        <Title text="Sign in"/>
        <section class="auth-card" aria-labelledby="login-heading">
            <h1 id="login-heading">"Sign in"</h1>
            {message.map(|(class, text)| view! {
                <p class=format!("notice {class}") role="alert">{text}</p>
            })}
            <form method="post" action="/login" class="stacked">
                <input type="hidden" name="next" value=next/>
                <label>"Username"
                    <input name="username" autocomplete="username" required autofocus/>
                </label>
                <label>"Password"
                    <input type="password" name="password" autocomplete="current-password" required/>
                </label>
                <button type="submit" class="button primary">"Sign in"</button>
            </form>
            <p class="muted">"Forgot the password? On the server, run "
                <code>"calltrail user reset-password NAME"</code> "."</p>
        </section>
    }
}
