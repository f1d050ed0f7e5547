//! Light, dark or the system's theme, chosen in the top bar. A plain form
//! (`POST /theme`) without JavaScript; with it, the choice applies at once.
//! Either way it lands in a cookie the server renders the next page with.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::model::Theme;

#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let current = RwSignal::new(page_theme());
    let location = use_location();
    let back = move || {
        let search = location.search.get();
        let path = location.pathname.get();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    view! {
        <form class="theme-switch" method="post" action="/theme" aria-label="colour theme">
            <input type="hidden" name="back" prop:value=back value=back/>
            {Theme::ALL.into_iter().map(|theme| view! {
                <button
                    type="submit"
                    name="theme"
                    value=theme.as_str()
                    class="theme-option"
                    aria-pressed=move || (current.get() == theme).to_string()
                    on:click=move |ev| {
                        if apply(theme) {
                            ev.prevent_default();
                            current.set(theme);
                        }
                    }
                >
                    {theme.label()}
                </button>
            }).collect_view()}
        </form>
    }
}

/// The theme the page was rendered in (the `<html>` element says).
fn page_theme() -> Theme {
    #[cfg(feature = "hydrate")]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("data-theme"))
            .and_then(|t| Theme::parse(&t))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        #[cfg(feature = "ssr")]
        return crate::server::http::theme::current();
        #[cfg(not(feature = "ssr"))]
        Theme::System
    }
}

/// Applies the theme to this page and keeps it in the cookie; false when
/// that cannot be done here (then the form posts).
fn apply(theme: Theme) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let doc = document();
        let (Some(root), Ok(html)) = (
            doc.document_element(),
            doc.clone().dyn_into::<web_sys::HtmlDocument>(),
        ) else {
            return false;
        };
        let _ = root.set_attribute("data-theme", theme.as_str());
        html.set_cookie(&theme.cookie()).is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = theme;
        false
    }
}
