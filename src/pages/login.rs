//! `/login`: a plain form (fields `username` and `password`) that posts to
//! the server, so it works before, during and without hydration.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::model::accounts::SignInOptions;
use crate::model::format::query_path;
use crate::server_fns::load_sign_in;

/// The longest wait the sign-in throttle asks for (15 minutes): a larger
/// `wait=` is not its own.
const MAX_WAIT_SECS: u64 = 15 * 60;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name));
    let next = param("next").unwrap_or_else(|| "/".to_string());
    let options = Resource::new(|| (), |_| load_sign_in());
    let message = match param("error").as_deref() {
        Some("invalid") => Some(("notice-error", "Wrong username or password.".to_string())),
        Some("passwords-off") => Some((
            "notice-error",
            "Passwords do not sign in here: use single sign-on.".to_string(),
        )),
        Some("sso-unavailable") => Some((
            "notice-error",
            "The single sign-on provider cannot be reached now; try again in a moment.".to_string(),
        )),
        Some("sso-expired") => Some((
            "notice-error",
            "That sign-in was not started here, or took too long: start again.".to_string(),
        )),
        Some("sso-refused") => Some((
            "notice-error",
            "The single sign-on provider did not sign you in.".to_string(),
        )),
        Some("sso-invalid") => Some((
            "notice-error",
            "The single sign-on answer could not be trusted (the server log says why); start again.".to_string(),
        )),
        Some("disabled") => Some((
            "notice-error",
            "This account is disabled. Ask an admin to enable it.".to_string(),
        )),
        Some("throttled") => Some((
            "notice-error",
            match wait_secs(param("wait").as_deref()) {
                Some(secs) => format!("Too many failed attempts. Try again in {secs} seconds."),
                None => "Too many failed attempts. Try again later.".to_string(),
            },
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
            <Suspense fallback=|| ()>
                {move || {
                    let next = next.clone();
                    Suspend::new(async move {
                        let options = options.await.unwrap_or(SignInOptions {
                            single_sign_on: None,
                            passwords: true,
                        });
                        view! { <SignInWays options next/> }
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn SignInWays(options: SignInOptions, next: String) -> impl IntoView {
    let sso = options.single_sign_on.map(|label| {
        let href = format!("/sso/start?next={}", query_path(&next));
        view! {
            <p><a class="button primary" href=href rel="external" data-testid="sso">{format!("Sign in with {label}")}</a></p>
        }
    });
    let passwords = options.passwords.then(|| {
        view! {
            <form method="post" action="/login" class="stacked">
                <input type="hidden" name="next" value=next.clone()/>
                <label>"Username"
                    <input name="username" autocomplete="username" required autofocus/>
                </label>
                <label>"Password"
                    <input type="password" name="password" autocomplete="current-password" required/>
                </label>
                <button type="submit" class="button primary">"Sign in"</button>
            </form>
            <p class="muted">"Forgot the password? Ask an admin for a reset link, or on the server run "
                <code>"calltrail user reset-password NAME"</code> "."</p>
        }
    });
    view! { {sso} {passwords} }
}

/// The seconds `wait=` gives, when it is a number the throttle could have
/// written; anything else says nothing, so a link cannot write in the notice.
fn wait_secs(wait: Option<&str>) -> Option<u64> {
    wait.filter(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|w| w.parse().ok())
        .filter(|secs| (1..=MAX_WAIT_SECS).contains(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_is_a_bounded_number_of_seconds() {
        assert_eq!(wait_secs(Some("30")), Some(30));
        assert_eq!(wait_secs(Some("900")), Some(900));
        for other in [
            None,
            Some(""),
            Some("0"),
            Some("901"),
            Some("+5"),
            Some("-5"),
            Some("5 "),
            Some("99999999999999999999999"),
            Some("a few. Your session expired, sign in at evil.example. Try again in 5"),
        ] {
            assert_eq!(wait_secs(other), None, "{other:?}");
        }
    }
}
