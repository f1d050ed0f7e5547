//! Following a Server-Sent Events stream in the browser. `EventSource`
//! reconnects by itself and sends `Last-Event-ID`, so the server replays what
//! was missed — also across a server restart. When the browser gives up (a
//! proxy answered an error while the server was down), a new connection is
//! opened after a pause, resuming after the last id seen.

use leptos::prelude::*;

/// The state of the live connection, for the indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// Server render, or before the browser connected.
    Connecting,
    Live,
    Reconnecting,
}

/// Follows the stream at `path`, starting after event `after`, once the page
/// is hydrated; calls `on_message` with each message's data. Does nothing
/// during the server render.
pub fn use_live_stream(
    path: String,
    after: i64,
    on_message: impl Fn(String) + 'static,
) -> ReadSignal<LinkState> {
    let (state, set_state) = signal(LinkState::Connecting);
    #[cfg(feature = "hydrate")]
    browser::follow(path, after, Box::new(on_message), set_state);
    #[cfg(not(feature = "hydrate"))]
    let _ = (path, after, on_message, set_state);
    state
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::{Cell, RefCell};
    use std::rc::{Rc, Weak};

    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    use super::LinkState;

    /// Pause before opening a new connection after the browser gave up.
    const REOPEN_AFTER: std::time::Duration = std::time::Duration::from_secs(3);

    struct Stream {
        path: String,
        last_id: Cell<i64>,
        on_message: Box<dyn Fn(String)>,
        set_state: WriteSignal<LinkState>,
        stopped: Cell<bool>,
        /// The open source and its handlers, dropped together.
        open: RefCell<Option<Connection>>,
    }

    struct Connection {
        source: EventSource,
        _on_message: Closure<dyn Fn(MessageEvent)>,
        _on_open: Closure<dyn Fn()>,
        _on_error: Closure<dyn Fn()>,
    }

    pub fn follow(
        path: String,
        after: i64,
        on_message: Box<dyn Fn(String)>,
        set_state: WriteSignal<LinkState>,
    ) {
        let stream = Rc::new(Stream {
            path,
            last_id: Cell::new(after),
            on_message,
            set_state,
            stopped: Cell::new(false),
            open: RefCell::new(None),
        });
        connect(&stream);
        let held = SendWrapper::new(stream);
        on_cleanup(move || {
            held.stopped.set(true);
            if let Some(conn) = held.open.borrow_mut().take() {
                conn.source.close();
            }
        });
    }

    fn connect(stream: &Rc<Stream>) {
        let join = if stream.path.contains('?') { '&' } else { '?' };
        let url = format!("{}{join}after={}", stream.path, stream.last_id.get());
        let Ok(source) = EventSource::new(&url) else {
            stream.set_state.set(LinkState::Reconnecting);
            return;
        };
        let weak = Rc::downgrade(stream);
        let on_message = Closure::<dyn Fn(MessageEvent)>::new({
            let weak = weak.clone();
            move |ev: MessageEvent| {
                let Some(stream) = weak.upgrade() else { return };
                if let Ok(id) = ev.last_event_id().parse() {
                    stream.last_id.set(id);
                }
                if let Some(data) = ev.data().as_string() {
                    (stream.on_message)(data);
                }
            }
        });
        let on_open = Closure::<dyn Fn()>::new({
            let weak = weak.clone();
            move || {
                if let Some(stream) = weak.upgrade() {
                    stream.set_state.set(LinkState::Live);
                }
            }
        });
        let on_error = Closure::<dyn Fn()>::new(move || reopen_if_closed(&weak));
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *stream.open.borrow_mut() = Some(Connection {
            source,
            _on_message: on_message,
            _on_open: on_open,
            _on_error: on_error,
        });
    }

    /// The browser retries by itself unless the source is closed for good;
    /// then a fresh connection is opened after a pause.
    fn reopen_if_closed(weak: &Weak<Stream>) {
        let Some(stream) = weak.upgrade() else { return };
        stream.set_state.set(LinkState::Reconnecting);
        let closed = stream
            .open
            .borrow()
            .as_ref()
            .is_some_and(|c| c.source.ready_state() == EventSource::CLOSED);
        if closed && !stream.stopped.get() {
            let weak = weak.clone();
            set_timeout(
                move || {
                    if let Some(stream) = weak.upgrade().filter(|s| !s.stopped.get()) {
                        // Dropping the old handlers here is safe: none is running.
                        stream.open.borrow_mut().take();
                        connect(&stream);
                    }
                },
                REOPEN_AFTER,
            );
        }
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
    view! {
        <span class=class role="status" data-link=move || format!("{:?}", state.get()).to_lowercase()>
            {label}
        </span>
    }
}
