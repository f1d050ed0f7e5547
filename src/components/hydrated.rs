//! Whether the page is hydrated: a control that needs JavaScript is left
//! out of (or hidden in) the server's HTML and appears once it runs, so no
//! button is ever dead.

use leptos::prelude::*;

/// `false` in the server's HTML and until hydration, then `true`.
pub fn use_hydrated() -> Signal<bool> {
    let hydrated = RwSignal::new(false);
    Effect::new(move || hydrated.set(true));
    hydrated.into()
}
