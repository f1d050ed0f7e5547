//! The bar on every page: brand, navigation and the signed-in account with a
//! sign-out button; a warning when the webhook endpoint is left open.

use leptos::prelude::*;

use super::{AlertBell, ThemeSwitch};
use crate::api::load_viewer;

#[component]
pub fn TopBar() -> impl IntoView {
    let viewer = Resource::new(|| (), |_| load_viewer());
    view! {
        <header class="topbar">
            <a href="/" class="brand">"calltrail"</a>
            <ThemeSwitch/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    viewer.await.ok().flatten().map(|viewer| view! {
                        <nav aria-label="main">
                            <a href="/">"Calls"</a>
                            <a href="/insights">"Insights"</a>
                            <a href="/deliveries">"Deliveries"</a>
                            <a href="/automations">"Automations"</a>
                            <a href="/settings">"Settings"</a>
                            <AlertBell open=viewer.open_alerts/>
                        </nav>
                        <div class="account">
                            <span class="muted" data-testid="username">{viewer.username}</span>
                            <form method="post" action="/logout">
                                <button type="submit" class="button">"Sign out"</button>
                            </form>
                        </div>
                        {viewer.webhook_open.then(|| view! { <OpenEndpointWarning/> })}
                    })
                })}
            </Suspense>
        </header>
    }
}

#[component]
fn OpenEndpointWarning() -> impl IntoView {
    view! {
        <p class="banner banner-warn" role="alert">
            "The webhook endpoint is open (" <code>"CALLTRAIL_WEBHOOK_AUTH=none"</code>
            "): anyone who can reach it can add calls. Remove the setting to require the token."
        </p>
    }
}
