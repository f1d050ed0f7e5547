//! The bar on every page: brand, navigation and the signed-in account with a
//! sign-out button; a warning when the webhook endpoint is left open.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::{use_viewer, AlertBell, ThemeSwitch};
use crate::model::Action;

#[component]
pub fn TopBar() -> impl IntoView {
    let viewer = use_viewer();
    let path = use_location().pathname;
    // `aria-current="page"` on the link of the section shown.
    let current =
        move |href: &'static str| move || (section(&path.get()) == Some(href)).then_some("page");
    let links = move |may: &dyn Fn(Action) -> bool| {
        SECTIONS
            .iter()
            .filter(|(_, _, action)| may(*action))
            .map(|(href, name, _)| view! { <a href=*href aria-current=current(href)>{*name}</a> })
            .collect_view()
    };
    // On a phone the sections fold into a menu, closed again once one is
    // picked; the alerts link and sign-out stay on the bar.
    let menu = NodeRef::<leptos::html::Details>::new();
    let close_menu = move |_| {
        if let Some(menu) = menu.get() {
            let _ = menu.remove_attribute("open");
        }
    };
    view! {
        <header class="topbar">
            <a href="/" class="brand">"calltrail"</a>
            <ThemeSwitch/>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    viewer.await.ok().flatten().map(|viewer| {
                        let may = move |action| viewer.role.may(action);
                        view! {
                        <nav aria-label="main" class="nav-wide">{links(&may)}</nav>
                        <details class="nav-menu" node_ref=menu>
                            <summary>"Menu"</summary>
                            <nav aria-label="menu" on:click=close_menu>{links(&may)}</nav>
                        </details>
                        <AlertBell open=viewer.open_alerts/>
                        <div class="account">
                            <span class="muted" data-testid="username">{viewer.username}</span>
                            <form method="post" action="/logout">
                                <button type="submit" class="button">"Sign out"</button>
                            </form>
                        </div>
                        {viewer.webhook_open.then(|| view! { <OpenEndpointWarning/> })}
                    }})
                })}
            </Suspense>
        </header>
    }
}

/// The sections of the site, in the bar's order, with what opening each takes.
const SECTIONS: [(&str, &str, Action); 6] = [
    ("/", "Calls", Action::ReadCalls),
    ("/review", "Review", Action::ReadCalls),
    ("/insights", "Insights", Action::ReadCalls),
    ("/deliveries", "Deliveries", Action::ReadRaw),
    ("/automations", "Automations", Action::ReadCalls),
    ("/settings", "Settings", Action::OwnAccount),
];

/// The navigation link a page belongs under: a call's page under Calls.
fn section(path: &str) -> Option<&'static str> {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match first {
        "" | "calls" => Some("/"),
        "review" | "compare" => Some("/review"),
        "insights" => Some("/insights"),
        "deliveries" => Some("/deliveries"),
        "automations" => Some("/automations"),
        "settings" => Some("/settings"),
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::section;

    #[test]
    fn each_page_is_under_its_section() {
        assert_eq!(section("/"), Some("/"));
        assert_eq!(section("/calls/abc"), Some("/"));
        assert_eq!(section("/insights"), Some("/insights"));
        assert_eq!(section("/deliveries"), Some("/deliveries"));
        assert_eq!(section("/automations"), Some("/automations"));
        assert_eq!(section("/settings"), Some("/settings"));
        assert_eq!(section("/alerts/rules"), None);
    }
}
