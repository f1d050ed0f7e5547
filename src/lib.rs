//! calltrail: a self-hosted live dashboard for voice-AI agent calls.
//!
//! The crate builds twice: with `ssr` into the server (webhooks, storage, live
//! streams, server-side rendering) and with `hydrate` into the browser bundle.
//! Everything server-only lives under [`server`].

#![recursion_limit = "256"]

pub mod components;
pub mod model;
pub mod pages;
pub mod server_fns;
pub mod shell;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(shell::App);
}
