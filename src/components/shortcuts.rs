//! Keyboard shortcuts on every page, never while typing: `j`/`k` between
//! calls and `Enter` to open, `[`/`]` between events, `.` to the next error
//! or hang, `/` to the search box, `l` to follow live, `?` for this list.
//! Each acts on what the page shows (links and items in the document), so
//! pages need no wiring beyond their markup.

use leptos::prelude::*;

/// The list `?` shows: keys and what they do.
pub const SHORTCUTS: [(&str, &str); 8] = [
    ("j / k", "next / previous call in the list"),
    ("Enter", "open the selected call"),
    ("] / [", "next / previous event of a call"),
    (".", "next error or hang"),
    ("/", "search or filter (where the page has a box)"),
    ("l", "follow the live call again"),
    ("?", "show or hide this list"),
    ("Esc", "close this list"),
];

#[component]
pub fn Shortcuts() -> impl IntoView {
    let open = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if let Some(key) = browser::shortcut(&ev) {
                if browser::act(&key, open) {
                    ev.prevent_default();
                }
            }
        });
        on_cleanup(move || handle.remove());
    }
    view! {
        <Show when=move || open.get()>
            <div class="shortcuts" role="dialog" aria-modal="false" aria-labelledby="shortcuts-heading">
                <h2 id="shortcuts-heading">"Keyboard shortcuts"</h2>
                <dl>
                    {SHORTCUTS.into_iter().map(|(key, what)| view! { <dt><kbd>{key}</kbd></dt><dd>{what}</dd> }).collect_view()}
                </dl>
                <button type="button" class="button" on:click=move |_| open.set(false)>"Close"</button>
            </div>
        </Show>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlElement, KeyboardEvent};

    /// The key pressed, unless the reader is typing or holds a modifier.
    pub fn shortcut(ev: &KeyboardEvent) -> Option<String> {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() {
            return None;
        }
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .is_some_and(|e| {
                matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || e.dyn_ref::<HtmlElement>()
                        .is_some_and(|h| h.is_content_editable())
            });
        (!typing).then(|| ev.key())
    }

    /// Does what `key` means here; false when it means nothing on this page.
    pub fn act(key: &str, open: RwSignal<bool>) -> bool {
        match key {
            "?" => {
                open.update(|o| *o = !*o);
                true
            }
            "Escape" if open.get_untracked() => {
                open.set(false);
                true
            }
            "j" => step_focus("tr[data-call-id] a.row-link", 1),
            "k" => step_focus("tr[data-call-id] a.row-link", -1),
            "]" => step_target(".timeline > .item", 1),
            "[" => step_target(".timeline > .item", -1),
            "." => step_target(".timeline > .tool-error, .timeline > .hang", 1),
            "/" => focus_first("input[type=search], input[data-search]"),
            "l" => click_first("[data-key=\"l\"]"),
            _ => false,
        }
    }

    fn all(selector: &str) -> Vec<HtmlElement> {
        let Ok(list) = document().query_selector_all(selector) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
            .collect()
    }

    /// Moves keyboard focus to the next (or previous) match after the one
    /// focused now; Enter then follows the link.
    fn step_focus(selector: &str, by: i32) -> bool {
        let links = all(selector);
        if links.is_empty() {
            return false;
        }
        let active = document().active_element();
        let at = links.iter().position(|l| {
            active
                .as_ref()
                .is_some_and(|a| a == l.unchecked_ref::<Element>())
        });
        let next = match at {
            Some(i) => (i as i32 + by).clamp(0, links.len() as i32 - 1) as usize,
            None if by > 0 => 0,
            None => links.len() - 1,
        };
        let _ = links[next].focus();
        links[next].scroll_into_view_with_bool(false);
        true
    }

    /// Makes the next (or previous) matching item the page's target, counted
    /// from the one targeted now, else from what is in view.
    fn step_target(selector: &str, by: i32) -> bool {
        let targets = all(selector);
        if targets.is_empty() {
            return false;
        }
        let current = crate::components::follow::fragment_target();
        let top = |e: &HtmlElement| e.get_bounding_client_rect().top();
        // Where the reader is: the targeted item, else just below the sticky bar.
        let from = current.map_or(180.0, |c| c.get_bounding_client_rect().top());
        let next = if by > 0 {
            targets.iter().find(|t| top(t) > from + 1.0)
        } else {
            targets.iter().rev().find(|t| top(t) < from - 1.0)
        };
        match next {
            Some(t) => {
                let _ = window().location().set_hash(&t.id());
                true
            }
            None => false,
        }
    }

    fn focus_first(selector: &str) -> bool {
        all(selector).first().is_some_and(|e| e.focus().is_ok())
    }

    fn click_first(selector: &str) -> bool {
        all(selector).first().map(|e| e.click()).is_some()
    }
}
