//! The built site's static files (wasm, JS, CSS, the public folder): the only
//! files served without a session. Each is routed explicitly, so no other
//! path can reach a file handler that falls back to the app.
//!
//! By default they come from inside the binary ([`embedded`]): a release
//! build carries the site it was built with and runs from any directory.
//! `LEPTOS_SITE_ROOT` serves a folder instead ([`disk`]; tests, or a site
//! rebuilt without rebuilding the server).

mod disk;
mod embedded;

use axum::Router;

use crate::server::http::AppState;

/// The folder under the site root that holds the wasm, JS and CSS bundle.
const PKG_DIR: &str = "pkg";

/// The asset routes: from `site_root` when given, else from the binary.
pub fn routes(site_root: Option<&str>) -> Router<AppState> {
    match site_root {
        Some(root) => disk::routes(root),
        None => {
            embedded::check();
            embedded::routes()
        }
    }
}

/// Where pages load the wasm and JS bundle from (Leptos's `site_pkg_dir`):
/// for the embedded site a folder named after the bundle's content, so a
/// browser may cache it for good and a new build is fetched afresh.
pub fn pkg_dir(site_root: Option<&str>) -> String {
    match site_root {
        Some(_) => PKG_DIR.to_string(),
        None => format!("{PKG_DIR}/{}", embedded::version()),
    }
}
