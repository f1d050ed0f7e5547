//! Hardened edges: security headers on every response, a Content Security
//! Policy with a per-response nonce on pages, refusal of cross-site
//! state-changing requests to the dashboard ([`origin`]), and of requests
//! naming a host this server is not ([`host`], against DNS rebinding).

pub mod host;
pub mod origin;

pub use host::{check_host, AllowedHosts};
pub use origin::same_origin;

use axum::extract::Request;
use axum::extract::State;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// For responses that are not pages (JSON, assets): nothing may run or embed them.
const STRICT_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The policy for a page whose inline scripts carry `nonce`: only those, and
/// what they load, run; the wasm bundle may be compiled.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; media-src 'self' https:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Called while rendering a page: sets its CSP with the render's nonce.
pub fn set_page_csp() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&page_csp(&nonce)) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

/// HSTS for a server whose public URL is `https://`: a year, this host only.
const HSTS: &str = "max-age=31536000";

/// Adds the security headers to every response; `https` (the public URL is
/// `https://`) adds `Strict-Transport-Security`.
pub async fn headers(State(https): State<bool>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if https {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers
        .entry(CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(STRICT_CSP));
    response
}
