//! A moment as people read it: local time and how long ago, with the exact
//! UTC time on hover. The server renders UTC (it does not know the reader's
//! zone); the browser switches to its own zone once the page is hydrated.

use leptos::prelude::*;

use crate::model::format;

#[component]
pub fn When(at: i64, now: ReadSignal<i64>) -> impl IntoView {
    let zone = RwSignal::new(None::<i32>);
    Effect::new(move || zone.set(browser_offset_minutes(at)));
    view! {
        <time class="when" datetime=format::iso(at) title=format::datetime(at)>
            {move || format::local_datetime(at, zone.get())}
            <span class="ago">{move || format!(" · {}", format::ago(now.get() - at))}</span>
        </time>
    }
}

/// A moment on a page without a clock of its own, written as [`When`]
/// writes it: local time and how long ago (once the browser says what
/// time it is), UTC on hover.
#[component]
pub fn Moment(at: i64) -> impl IntoView {
    let zone = RwSignal::new(None::<i32>);
    let now = RwSignal::new(None::<i64>);
    Effect::new(move || {
        zone.set(browser_offset_minutes(at));
        now.set(browser_now());
    });
    view! {
        <time class="when" datetime=format::iso(at) title=format::datetime(at)>
            {move || format::local_datetime(at, zone.get())}
            {move || now.get().map(|now| view! { <span class="ago">{format!(" · {}", format::ago(now - at))}</span> })}
        </time>
    }
}

/// The browser's clock (epoch ms), once hydrated.
fn browser_now() -> Option<i64> {
    #[cfg(feature = "hydrate")]
    {
        Some(js_sys::Date::now() as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// A moment as a list shows it: how long ago, with the local and UTC times
/// on hover.
#[component]
pub fn Ago(at: i64, now: ReadSignal<i64>) -> impl IntoView {
    let zone = RwSignal::new(None::<i32>);
    Effect::new(move || zone.set(browser_offset_minutes(at)));
    let title = move || match zone.get() {
        Some(offset) => format!(
            "{} ({})",
            format::local_datetime(at, Some(offset)),
            format::datetime(at)
        ),
        None => format::datetime(at),
    };
    view! {
        <time class="when ago-only" datetime=format::iso(at) title=title>
            {move || format::ago(now.get() - at)}
        </time>
    }
}

/// Minutes east of UTC in the browser's zone at `at`.
fn browser_offset_minutes(at: i64) -> Option<i32> {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
        Some(-(date.get_timezone_offset() as i32))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = at;
        None
    }
}
