//! The site served from a folder (`LEPTOS_SITE_ROOT`): `/pkg/…` and each
//! top-level file, routed one by one.

use std::path::Path;

use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

use super::PKG_DIR;
use crate::server::http::AppState;

/// Routes for `/pkg/…` and for each top-level file of `site_root` (the
/// public folder's files). Unknown asset paths answer a bare 404.
pub fn routes(site_root: &str) -> Router<AppState> {
    let root = Path::new(site_root);
    let pkg = ServeDir::new(root.join(PKG_DIR))
        .precompressed_br()
        .precompressed_gzip();
    let mut router = Router::new().nest_service(&format!("/{PKG_DIR}"), pkg);
    for name in top_level_files(root) {
        router = router.route_service(&format!("/{name}"), ServeFile::new(root.join(&name)));
    }
    router
}

/// Names of the plain files directly in `root` that are safe to route as a
/// path segment. A missing folder (tests, or a server started before the
/// site was built) gives none.
fn top_level_files(root: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root) else {
        tracing::debug!(root = %root.display(), "no site folder; serving no public files");
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| {
            !name.starts_with('.')
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        })
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_plain_top_level_files_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("favicon.svg"), "<svg/>").unwrap();
        std::fs::write(dir.path().join("robots.txt"), "").unwrap();
        std::fs::write(dir.path().join(".hidden"), "").unwrap();
        std::fs::write(dir.path().join("with space.txt"), "").unwrap();
        std::fs::create_dir(dir.path().join("pkg")).unwrap();
        assert_eq!(top_level_files(dir.path()), ["favicon.svg", "robots.txt"]);
        assert!(top_level_files(&dir.path().join("missing")).is_empty());
    }
}
