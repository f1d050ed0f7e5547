//! The site inside the binary (rust-embed: compiled in for release builds,
//! read from `target/site` at run time in debug builds). Files are served
//! precompressed when the browser accepts it (`.ci/build --release` writes
//! the `.br` and `.gz` copies), with an `ETag`; the bundle under its
//! versioned folder (`/pkg/<version>/…`, see [`super::pkg_dir`]) may be
//! cached for a year, everything else is revalidated.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};

use super::PKG_DIR;
use crate::server::http::AppState;

/// Debug builds read the site `.ci/build` writes; release builds
/// embed the one `.ci/release` builds into its own folder, so neither build
/// ever serves the other's wasm.
#[derive(rust_embed::Embed)]
#[cfg_attr(debug_assertions, folder = "target/site/")]
#[cfg_attr(not(debug_assertions), folder = "target/site-release/")]
#[allow_missing = true]
struct Site;

/// Says so loudly when the binary carries no site (built without it).
pub fn check() {
    if Site::get(&format!("{PKG_DIR}/calltrail.js")).is_none() {
        tracing::error!(
            "this binary carries no built site: pages will not load their scripts; \
             build it with `.ci/release` (or point LEPTOS_SITE_ROOT at a built site)"
        );
    }
}

/// Files in the versioned bundle folder never change under that name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Anything else may change with a new build: ask again, cheaply (ETag).
const REVALIDATE: &str = "no-cache";

/// The bundle's version: a digest of every embedded file.
pub fn version() -> &'static str {
    static VERSION: LazyLock<String> = LazyLock::new(|| {
        let mut names: Vec<_> = Site::iter().collect();
        names.sort();
        let mut digest = Sha256::new();
        for name in names {
            if let Some(file) = Site::get(&name) {
                digest.update(name.as_bytes());
                digest.update(file.metadata.sha256_hash());
            }
        }
        hex::encode(&digest.finalize()[..6])
    });
    &VERSION
}

pub fn routes() -> Router<AppState> {
    let mut router = Router::new().route(
        &format!("/{PKG_DIR}/{{*path}}"),
        get(|Path(path): Path<String>, headers: HeaderMap| async move { pkg(&path, &headers) }),
    );
    for name in Site::iter().filter(|n| is_public_file(n)) {
        let name = name.into_owned();
        let route = format!("/{name}");
        router = router.route(
            &route,
            get(move |headers: HeaderMap| async move { serve(&name, &headers, REVALIDATE) }),
        );
    }
    router
}

/// A top-level file that is not a compressed copy of another.
fn is_public_file(name: &str) -> bool {
    !name.contains('/') && !name.ends_with(".br") && !name.ends_with(".gz")
}

/// `/pkg/<version>/<file>` (cached for good) or `/pkg/<file>` (revalidated).
fn pkg(path: &str, headers: &HeaderMap) -> Response {
    match path.split_once('/') {
        Some((v, file)) if v == version() => {
            serve(&format!("{PKG_DIR}/{file}"), headers, IMMUTABLE)
        }
        _ => serve(&format!("{PKG_DIR}/{path}"), headers, REVALIDATE),
    }
}

fn serve(path: &str, headers: &HeaderMap, cache: &'static str) -> Response {
    let safe = !path
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
        && !path.contains('\\');
    let Some(file) = safe.then(|| Site::get(path)).flatten() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (encoding, data) = accepted_encodings(headers)
        .into_iter()
        .find_map(|(enc, ext)| Site::get(&format!("{path}.{ext}")).map(|f| (Some(enc), f.data)))
        .unwrap_or((None, file.data));
    let tag = hex::encode(&file.metadata.sha256_hash()[..12]);
    let etag = match encoding {
        Some(enc) => format!("\"{tag}-{enc}\""),
        None => format!("\"{tag}\""),
    };
    let mut response = if if_none_match(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        data.into_owned().into_response()
    };
    let out = response.headers_mut();
    if let Ok(mime) = HeaderValue::from_str(file.metadata.mimetype()) {
        out.insert(CONTENT_TYPE, mime);
    }
    if let Some(enc) = encoding {
        out.insert(CONTENT_ENCODING, HeaderValue::from_static(enc));
    }
    out.insert(VARY, HeaderValue::from_static("accept-encoding"));
    out.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        out.insert(ETAG, etag);
    }
    response
}

/// The precompressed encodings the request accepts, best first, with the
/// file extension of their copies.
fn accepted_encodings(headers: &HeaderMap) -> Vec<(&'static str, &'static str)> {
    let accepted = headers
        .get_all("accept-encoding")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next()?.to_ascii_lowercase();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (!refused).then_some(name)
        })
        .collect::<Vec<_>>();
    [("br", "br"), ("gzip", "gz")]
        .into_iter()
        .filter(|(enc, _)| accepted.iter().any(|a| a == enc))
        .collect()
}

fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == etag || t.trim() == "*")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("accept-encoding", HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn encodings_follow_accept_encoding() {
        assert_eq!(
            accepted_encodings(&accept("gzip, deflate, br, zstd")),
            [("br", "br"), ("gzip", "gz")]
        );
        assert_eq!(accepted_encodings(&accept("gzip")), [("gzip", "gz")]);
        assert_eq!(
            accepted_encodings(&accept("br;q=0, gzip;q=0.5")),
            [("gzip", "gz")]
        );
        assert!(accepted_encodings(&accept("identity")).is_empty());
        assert!(accepted_encodings(&HeaderMap::new()).is_empty());
    }

    #[test]
    fn only_plain_top_level_files_are_public() {
        assert!(is_public_file("favicon.svg"));
        assert!(!is_public_file("favicon.svg.br"));
        assert!(!is_public_file("pkg/calltrail.js"));
    }

    #[test]
    fn paths_that_climb_are_not_served() {
        for path in [
            "pkg/../Cargo.toml",
            "pkg//x",
            "pkg/./x",
            "pkg/a\\..\\b",
            "pkg/",
        ] {
            let response = serve(path, &HeaderMap::new(), REVALIDATE);
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        }
    }
}
