//! The HTML shell, the layout and the routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::components::{provide_viewer, Shortcuts, TopBar};
use crate::model::platform::Platforms;
use crate::pages::{
    AlertsPage, AuditLogPage, AutomationsPage, CallPage, CallsPage, ComparePage, DeliveriesPage,
    InsightsPage, InvitePage, LoginPage, NotFound, ReviewPage, RulesPage, SettingsPage, SetupPage,
    SharedCallPage, TokensPage, UsersPage,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::http::security::set_page_csp();
    #[cfg(feature = "ssr")]
    let theme = crate::server::http::theme::current();
    #[cfg(not(feature = "ssr"))]
    let theme = crate::model::Theme::System;
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=theme.as_str()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content=match theme {
                    crate::model::Theme::System => "light dark",
                    crate::model::Theme::Light => "light",
                    crate::model::Theme::Dark => "dark",
                }/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

fn platforms() -> Platforms {
    #[cfg(feature = "ssr")]
    return crate::server::http::page_data::platforms();
    #[cfg(not(feature = "ssr"))]
    Platforms::default()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // The server's platforms, serialised into the page for the browser.
    provide_context(SharedValue::new(platforms).into_inner());
    provide_viewer();
    view! {
        <Stylesheet id="leptos" href="/pkg/calltrail.css"/>
        <Title formatter=|page: String| format!("{page} · calltrail")/>
        <Router>
            <TopBar/>
            <main>
                // Async rendering: pages arrive complete, so they read well without
                // JavaScript and a missing call gets a real 404 status.
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=CallsPage ssr=SsrMode::Async/>
                    <Route path=path!("/calls/*id") view=CallPage ssr=SsrMode::Async/>
                    <Route path=path!("/deliveries") view=DeliveriesPage ssr=SsrMode::Async/>
                    <Route path=path!("/insights") view=InsightsPage ssr=SsrMode::Async/>
                    <Route path=path!("/review") view=ReviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/compare") view=ComparePage ssr=SsrMode::Async/>
                    <Route path=path!("/share/:secret") view=SharedCallPage ssr=SsrMode::Async/>
                    <Route path=path!("/alerts") view=AlertsPage ssr=SsrMode::Async/>
                    <Route path=path!("/alerts/rules") view=RulesPage ssr=SsrMode::Async/>
                    <Route path=path!("/automations") view=AutomationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings") view=SettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings/users") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings/tokens") view=TokensPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings/audit") view=AuditLogPage ssr=SsrMode::Async/>
                    <Route path=path!("/invite/:token") view=InvitePage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/setup") view=SetupPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <Shortcuts/>
        </Router>
    }
}
