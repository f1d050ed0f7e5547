//! Scrolling that follows the newest timeline item, unless the reader has
//! scrolled up; only does anything in the browser.

use leptos::prelude::*;

/// Pixels from the bottom that still count as "at the bottom".
#[cfg(feature = "hydrate")]
const SLACK: f64 = 120.0;

pub fn at_bottom() -> bool {
    #[cfg(feature = "hydrate")]
    {
        let w = window();
        let doc_height = document()
            .document_element()
            .map(|e| e.scroll_height() as f64)
            .unwrap_or(0.0);
        let seen = w.scroll_y().unwrap_or(0.0)
            + w.inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0);
        seen + SLACK >= doc_height
    }
    #[cfg(not(feature = "hydrate"))]
    true
}

/// Scrolls the item into view once it is rendered.
pub fn reveal(id: i64) {
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || {
        if let Some(el) = document().get_element_by_id(&format!("e{id}")) {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_behavior(web_sys::ScrollBehavior::Smooth);
            options.set_block(web_sys::ScrollLogicalPosition::End);
            el.scroll_into_view_with_scroll_into_view_options(&options);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

pub fn to_bottom() {
    #[cfg(feature = "hydrate")]
    if let Some(height) = document().document_element().map(|e| e.scroll_height()) {
        window().scroll_to_with_x_and_y(0.0, height as f64);
    }
}

/// Resets the "new events" count when the reader scrolls back down.
pub fn clear_when_at_bottom(unseen: RwSignal<usize>) {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::scroll, move |_| {
            if unseen.get_untracked() > 0 && at_bottom() {
                unseen.set(0);
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = unseen;
}
