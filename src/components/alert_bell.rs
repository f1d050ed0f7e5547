//! The top bar's alert link: the open-alert count, kept live over
//! `/api/live/alerts`; a toast on every page when an issue opens (naming
//! its call; never for a demo call or the call being watched; three or
//! more fold into one; muted per browser from the toast itself); and, once
//! the person opts in with a click, a desktop notification too.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::use_live_stream;
use crate::model::{AlertNotice, AlertView, SAMPLE_PREFIX};

/// From this many toasts at once, they fold into one.
const FOLD_AT: usize = 3;

/// How long a toast stays unless dismissed.
const TOAST_FOR: std::time::Duration = std::time::Duration::from_secs(15);

#[component]
pub fn AlertBell(open: i64) -> impl IntoView {
    let (count, set_count) = signal(open);
    let (toasts, set_toasts) = signal(Vec::<AlertView>::new());
    let path = use_location().pathname;
    let muted = RwSignal::new(false);
    Effect::new(move || muted.set(mute::is_on()));
    let link = use_live_stream("/api/live/alerts".into(), 0, move |data| {
        let Ok(notice) = serde_json::from_str::<AlertNotice>(&data) else {
            return;
        };
        set_count.set(notice.open);
        let shown = notice
            .opened
            .filter(|alert| !muted.get_untracked() && worth_a_toast(alert, &path.get_untracked()));
        if let Some(alert) = shown {
            desktop::notify(&alert);
            let id = alert.id;
            set_toasts.update(|t| {
                t.retain(|a| a.id != id);
                t.push(alert);
            });
            set_timeout(
                move || set_toasts.update(|t| t.retain(|a| a.id != id)),
                TOAST_FOR,
            );
        }
    });
    let class = move || {
        if count.get() > 0 {
            "alert-count alert-count-open"
        } else {
            "alert-count"
        }
    };
    view! {
        <a href="/alerts" class="alert-link" data-testid="alert-link"
            data-alerts-link=move || format!("{:?}", link.get()).to_lowercase()>
            "Alerts"
            <span class=class data-testid="open-alerts">{move || count.get()}</span>
            <span class="sr-only">" open"</span>
        </a>
        <desktop::OptIn/>
        <div class="toasts" role="status" aria-live="polite">
            <Show
                when=move || toasts.with(|t| t.len() < FOLD_AT)
                fallback=move || view! {
                    <div class="toast" data-testid="alert-toast">
                        <a href="/alerts">{move || format!("{} new alerts", toasts.with(Vec::len))}</a>
                        <button type="button" class="toast-close" aria-label="Dismiss" on:click=move |_| set_toasts.set(Vec::new())>"×"</button>
                    </div>
                }
            >
                <For each=move || toasts.get() key=|a| a.id let:alert>
                    <Toast alert dismiss=move |id| set_toasts.update(|t| t.retain(|a| a.id != id))/>
                </For>
            </Show>
            <Show when=move || toasts.with(|t| !t.is_empty())>
                <button type="button" class="button quiet mute-toasts" on:click=move |_| {
                    mute::set(true);
                    muted.set(true);
                    set_toasts.set(Vec::new());
                }>"Mute these pop-ups"</button>
            </Show>
        </div>
    }
}

/// A toast is for a real call's alert that is not about the call on screen.
fn worth_a_toast(alert: &AlertView, path: &str) -> bool {
    match &alert.call_id {
        Some(call) if call.starts_with(SAMPLE_PREFIX) => false,
        Some(call) => {
            path.trim_end_matches('/')
                != format!("/calls/{}", crate::model::format::url_segment(call))
        }
        None => true,
    }
}

/// Whether this browser muted alert pop-ups (kept in its local storage;
/// unmuted from `/alerts`).
pub mod mute {
    #[cfg(feature = "hydrate")]
    const KEY: &str = "calltrail-toasts-muted";

    #[cfg(feature = "hydrate")]
    fn storage() -> Option<web_sys::Storage> {
        leptos::prelude::window().local_storage().ok().flatten()
    }

    pub fn is_on() -> bool {
        #[cfg(feature = "hydrate")]
        {
            storage()
                .and_then(|s| s.get_item(KEY).ok().flatten())
                .is_some()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            false
        }
    }

    pub fn set(on: bool) {
        #[cfg(feature = "hydrate")]
        if let Some(s) = storage() {
            let _ = if on {
                s.set_item(KEY, "1")
            } else {
                s.remove_item(KEY)
            };
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = on;
    }
}

#[component]
fn Toast(alert: AlertView, dismiss: impl Fn(i64) + 'static) -> impl IntoView {
    let id = alert.id;
    let href = alert.link().unwrap_or_else(|| "/alerts".into());
    let call = alert
        .call_id
        .clone()
        .map(|c| view! { <span class="muted toast-call">{format!("call {c}")}</span> });
    view! {
        <div class="toast" data-testid="alert-toast">
            <strong>{alert.rule_name.clone()}</strong>
            <a href=href rel="external">{alert.reason.clone()}</a>
            {call}
            <button type="button" class="toast-close" aria-label="Dismiss" on:click=move |_| dismiss(id)>"×"</button>
        </div>
    }
}

/// Desktop notifications, only after the person asked for them.
mod desktop {
    use leptos::prelude::*;

    use crate::model::AlertView;

    /// A button to turn desktop notifications on, shown while the browser
    /// has not been asked yet (never in the server render).
    #[component]
    pub fn OptIn() -> impl IntoView {
        let (ask, set_ask) = signal(false);
        Effect::new(move |_| set_ask.set(can_ask()));
        let enable = move |_| {
            request();
            set_ask.set(false);
        };
        view! {
            <Show when=move || ask.get()>
                <button type="button" class="button quiet desktop-alerts" on:click=enable>
                    "Desktop alerts"
                </button>
            </Show>
        }
    }

    #[cfg(feature = "hydrate")]
    fn can_ask() -> bool {
        use web_sys::{Notification, NotificationPermission};
        js_sys::Reflect::has(&js_sys::global(), &"Notification".into()).unwrap_or(false)
            && Notification::permission() == NotificationPermission::Default
    }

    #[cfg(feature = "hydrate")]
    fn request() {
        if let Ok(promise) = web_sys::Notification::request_permission() {
            drop(promise);
        }
    }

    #[cfg(feature = "hydrate")]
    pub fn notify(alert: &AlertView) {
        use web_sys::{Notification, NotificationOptions, NotificationPermission};
        let allowed = js_sys::Reflect::has(&js_sys::global(), &"Notification".into())
            .unwrap_or(false)
            && Notification::permission() == NotificationPermission::Granted;
        if !allowed {
            return;
        }
        let options = NotificationOptions::new();
        options.set_body(&alert.reason);
        options.set_tag(&format!("calltrail-alert-{}", alert.id));
        let _ =
            Notification::new_with_options(&format!("calltrail: {}", alert.rule_name), &options);
    }

    #[cfg(not(feature = "hydrate"))]
    fn can_ask() -> bool {
        false
    }

    #[cfg(not(feature = "hydrate"))]
    fn request() {}

    #[cfg(not(feature = "hydrate"))]
    pub fn notify(_: &AlertView) {}
}
