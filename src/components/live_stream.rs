//! Following a Server-Sent Events stream in the browser. The browser's
//! `EventSource` reconnects by itself and sends `Last-Event-ID`, so the server
//! replays what was missed — also across a server restart.

use leptos::prelude::*;

/// The state of the live connection, for the indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// Server render, or before the browser connected.
    Connecting,
    Live,
    Reconnecting,
}

/// Opens `url` once the page is hydrated and calls `on_message` with the data
/// of each message. Does nothing during the server render.
pub fn use_live_stream(url: String, on_message: impl Fn(String) + 'static) -> ReadSignal<LinkState> {
    let (state, set_state) = signal(LinkState::Connecting);
    #[cfg(feature = "hydrate")]
    browser::follow(url, on_message, set_state);
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, on_message, set_state);
    state
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    use super::LinkState;

    pub fn follow(url: String, on_message: impl Fn(String) + 'static, set_state: WriteSignal<LinkState>) {
        let Ok(source) = EventSource::new(&url) else {
            set_state.set(LinkState::Reconnecting);
            return;
        };
        let on_msg = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
            if let Some(data) = ev.data().as_string() {
                on_message(data);
            }
        });
        let on_open = Closure::<dyn Fn()>::new(move || set_state.set(LinkState::Live));
        let on_error = Closure::<dyn Fn()>::new(move || set_state.set(LinkState::Reconnecting));
        source.set_onmessage(Some(on_msg.as_ref().unchecked_ref()));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let held = SendWrapper::new((source, on_msg, on_open, on_error));
        on_cleanup(move || {
            let (source, ..) = &*held;
            source.close();
        });
    }
}

/// A small "live / reconnecting" badge for the page header.
#[component]
pub fn LiveIndicator(state: ReadSignal<LinkState>) -> impl IntoView {
    let label = move || match state.get() {
        LinkState::Connecting => "connecting…",
        LinkState::Live => "live updates on",
        LinkState::Reconnecting => "reconnecting…",
    };
    let class = move || match state.get() {
        LinkState::Live => "link link-live",
        LinkState::Connecting => "link",
        LinkState::Reconnecting => "link link-down",
    };
    view! { <span class=class role="status" data-link=move || format!("{:?}", state.get()).to_lowercase()>{label}</span> }
}
