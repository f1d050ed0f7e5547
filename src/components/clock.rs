//! A clock for ticking durations: starts at the server's time (so the hydrated
//! page matches the server render) and, in the browser, advances every second.

use leptos::prelude::*;

pub fn use_clock(server_now: i64) -> ReadSignal<i64> {
    let (now, set_now) = signal(server_now);
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || set_now.set(js_sys::Date::now() as i64),
            std::time::Duration::from_secs(1),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_now;
    now
}
