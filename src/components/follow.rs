//! Following the newest timeline item. The view follows until the reader
//! moves away themselves — a wheel, a touch, a key, a click that scrolls the
//! page up — and follows again once they are back at the bottom. Scrolls the
//! page makes on its own (following, trimming old items) never count as the
//! reader's, so a burst of events cannot switch following off, and a short
//! page never pulls the reader back. Only does anything in the browser.

use leptos::prelude::*;

/// Whether the view follows the newest item; kept current by the reader's
/// own scrolling.
pub fn use_follow() -> RwSignal<bool> {
    let following = RwSignal::new(true);
    #[cfg(feature = "hydrate")]
    browser::track(following);
    following
}

/// Scrolls to the bottom of the page once what is pending is rendered.
pub fn to_bottom() {
    #[cfg(feature = "hydrate")]
    request_animation_frame(browser::scroll_to_end);
}

/// Scrolls to the element the URL's fragment names, once rendered.
pub fn to_fragment() {
    #[cfg(feature = "hydrate")]
    request_animation_frame(|| {
        if let Some(el) = fragment_target() {
            el.scroll_into_view();
        }
    });
}

/// The element the URL's fragment names (`#e42`), when it is on the page.
#[cfg(feature = "hydrate")]
pub fn fragment_target() -> Option<web_sys::Element> {
    let hash = window().location().hash().ok()?;
    document().get_element_by_id(hash.strip_prefix('#')?)
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;
    use std::rc::Rc;

    use leptos::prelude::*;

    /// A scroll this soon (ms) after the reader's own input is theirs.
    const INPUT_WINDOW_MS: f64 = 700.0;
    /// Pixels from the bottom that still count as "at the bottom".
    const SLACK: f64 = 24.0;

    pub fn scroll_to_end() {
        if let Some(height) = document().document_element().map(|e| e.scroll_height()) {
            window().scroll_to_with_x_and_y(0.0, height as f64);
        }
    }

    fn at_bottom() -> bool {
        let w = window();
        let height = document()
            .document_element()
            .map(|e| e.scroll_height() as f64)
            .unwrap_or(0.0);
        let seen = w.scroll_y().unwrap_or(0.0)
            + w.inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0);
        seen + SLACK >= height
    }

    pub fn track(following: RwSignal<bool>) {
        let last_input = Rc::new(Cell::new(f64::MIN));
        let last_y = Rc::new(Cell::new(window().scroll_y().unwrap_or(0.0)));
        let mark = {
            let last_input = last_input.clone();
            move || last_input.set(js_sys::Date::now())
        };
        let handles = vec![
            window_event_listener(leptos::ev::wheel, {
                let mark = mark.clone();
                move |ev| {
                    mark();
                    // On a page too short to scroll, the wheel alone says it.
                    if ev.delta_y() < 0.0 {
                        following.set(false);
                    } else if ev.delta_y() > 0.0 && at_bottom() {
                        following.set(true);
                    }
                }
            }),
            window_event_listener(leptos::ev::touchmove, {
                let mark = mark.clone();
                move |_| mark()
            }),
            window_event_listener(leptos::ev::keydown, {
                let mark = mark.clone();
                move |_| mark()
            }),
            window_event_listener(leptos::ev::pointerdown, {
                let mark = mark.clone();
                move |_| mark()
            }),
            window_event_listener(leptos::ev::scroll, move |_| {
                let y = window().scroll_y().unwrap_or(0.0);
                let went_up = y < last_y.get();
                last_y.set(y);
                if at_bottom() {
                    if !following.get_untracked() && !went_up {
                        following.set(true);
                    }
                } else if js_sys::Date::now() - last_input.get() < INPUT_WINDOW_MS {
                    following.set(false);
                }
            }),
        ];
        on_cleanup(move || handles.into_iter().for_each(|h| h.remove()));
    }
}
