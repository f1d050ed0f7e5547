//! One file per page.

mod alerts;
mod automations;
mod call;
mod calls;
mod deliveries;
mod insights;
mod login;
mod not_found;
mod review;
mod rules;
mod settings;
mod setup;
mod team;

pub use alerts::AlertsPage;
pub use automations::AutomationsPage;
pub use call::CallPage;
pub use calls::CallsPage;
pub use deliveries::DeliveriesPage;
pub use insights::InsightsPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use review::{ComparePage, ReviewPage, SharedCallPage};
pub use rules::RulesPage;
pub use settings::SettingsPage;
pub use setup::SetupPage;
pub use team::{AuditLogPage, InvitePage, TokensPage, UsersPage};

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::server_fns::PageError;

/// The `?page=N` of the current URL (1 when absent or not a number).
fn page_param() -> Memo<u32> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    })
}

/// A load failure, said plainly; an ended session offers to sign in again.
#[component]
fn LoadError(error: PageError) -> impl IntoView {
    if error == PageError::NotSignedIn {
        return view! {
            <div class="notice notice-error" role="alert">
                "Your session has ended. " <a href="/login" rel="external">"Sign in again"</a>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="notice notice-error" role="alert">
            <strong>"Something went wrong. "</strong>
            {error.to_string()}
        </div>
    }
    .into_any()
}
