//! The server's layers import one way: `cli` → `http` → `app` → `config` →
//! `store` → `model` (docs/ARCHITECTURE.md). This reads every source file's
//! `crate::…` and `super::…` paths and fails on one that reaches a layer a
//! module may not import, so the layering is kept by CI, not by memory.

use std::fs;
use std::path::{Path, PathBuf};

/// calltrail's layers, top to bottom; `ui` is the Leptos side (shell, pages,
/// components, server functions), compiled into both the server and the
/// browser bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    Cli,
    Http,
    Ui,
    App,
    Config,
    Store,
    Model,
}

impl Layer {
    /// The layers a module of this layer may import, besides its own.
    fn may_import(self, other: Layer) -> bool {
        use Layer::*;
        self == other
            || match self {
                Cli => true,
                // The router serves the shell and registers the server
                // functions, which in turn read page data from `http`.
                Http => matches!(other, Ui | App | Config | Store | Model),
                Ui => matches!(other, Http | Model),
                App => matches!(other, Config | Store | Model),
                Config => matches!(other, Store | Model),
                Store => other == Model,
                Model => false,
            }
    }

    /// The layer a module path (from the crate root, without `crate`) is in.
    fn of(path: &[&str]) -> Option<Layer> {
        match path {
            ["server", "cli", ..] => Some(Layer::Cli),
            ["server", "http", ..] => Some(Layer::Http),
            ["server", "app", ..] => Some(Layer::App),
            ["server", "config", ..] => Some(Layer::Config),
            ["server", "store", ..] => Some(Layer::Store),
            ["model", ..] => Some(Layer::Model),
            ["shell" | "pages" | "components" | "server_fns", ..] => Some(Layer::Ui),
            _ => None,
        }
    }
}

/// A file's module path from its place under `src/`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix("src").unwrap_or(file).with_extension("");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Every absolute module path the code of `source` names, `crate::` paths
/// and `super::` paths alike, with `{…}` groups expanded. Comment lines are
/// skipped (doc links are not imports).
fn named_paths(module: &[String], source: &str) -> Vec<Vec<String>> {
    let code: String = source
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    let mut at = 0;
    while at < code.len() {
        let rest = &code[at..];
        let boundary = at == 0 || !is_ident(bytes[at - 1]) && bytes[at - 1] != b':';
        let start = if !boundary {
            None
        } else if rest.starts_with("crate::") {
            Some((Vec::new(), "crate".len()))
        } else if rest.starts_with("super::") {
            let mut base = module.to_vec();
            let mut len = 0;
            while code[at + len..].starts_with("super::") {
                base.pop();
                len += "super::".len();
            }
            // `expand` reads from the last `::`.
            Some((base, len - "::".len()))
        } else {
            None
        };
        match start {
            Some((base, len)) => {
                let (paths, used) = expand(&code[at + len..]);
                found.extend(paths.into_iter().map(|p| {
                    let mut full = base.clone();
                    full.extend(p);
                    full
                }));
                at += len + used.max(1);
            }
            None => at += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    found
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Reads `a::b::{c, d::e}` (or `::a::…` after `crate`) from the start of `text`: the paths it names and
/// how many bytes it took.
fn expand(text: &str) -> (Vec<Vec<String>>, usize) {
    let bytes = text.as_bytes();
    let mut prefix = Vec::new();
    let mut at = 0;
    loop {
        let end = (at..bytes.len())
            .find(|&i| !is_ident(bytes[i]))
            .unwrap_or(bytes.len());
        if end > at {
            prefix.push(text[at..end].to_string());
            at = end;
        }
        if text[at..].starts_with("::{") {
            at += 3;
            let mut paths = Vec::new();
            loop {
                let skipped = text[at..].len() - text[at..].trim_start().len();
                at += skipped;
                if text[at..].starts_with('}') {
                    break;
                }
                let (inner, used) = expand(&text[at..]);
                paths.extend(inner.into_iter().map(|p| [prefix.clone(), p].concat()));
                at += used;
                let skipped = text[at..].len() - text[at..].trim_start().len();
                at += skipped;
                match text[at..].chars().next() {
                    Some(',') => at += 1,
                    Some('}') | None => break,
                    // `as name`, a glob: the path itself is already read.
                    Some(_) => match text[at..].find([',', '}']) {
                        Some(i) => at += i,
                        None => break,
                    },
                }
            }
            return (paths, at + 1);
        }
        if text[at..].starts_with("::") && bytes.get(at + 2).is_some_and(|&b| is_ident(b)) {
            at += 2;
            continue;
        }
        return (vec![prefix], at);
    }
}

/// `file: line` descriptions of every import in `source` that runs the
/// wrong way for a file at `module`.
fn wrong_way(module: &[String], source: &str) -> Vec<String> {
    let here: Vec<&str> = module.iter().map(String::as_str).collect();
    let Some(layer) = Layer::of(&here) else {
        return Vec::new();
    };
    let mut wrong: Vec<String> = named_paths(module, source)
        .into_iter()
        .filter_map(|path| {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            let target = Layer::of(&path)?;
            (!layer.may_import(target))
                .then(|| format!("{layer:?} imports {target:?}: {}", path.join("::")))
        })
        .collect();
    wrong.sort();
    wrong.dedup();
    wrong
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src/") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

#[test]
fn every_import_runs_down_the_layers() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    assert!(files.len() > 100, "found only {} source files", files.len());
    let wrong: Vec<String> = files
        .iter()
        .flat_map(|file| {
            let source = fs::read_to_string(file).expect("read a source file");
            wrong_way(&module_of(file), &source)
                .into_iter()
                .map(move |w| format!("{}: {w}", file.display()))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "imports that run up the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn sqlx_is_named_only_inside_the_store() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    let outside: Vec<String> = files
        .iter()
        .filter(|file| !file.starts_with("src/server/store"))
        .filter(|file| {
            fs::read_to_string(file)
                .expect("read a source file")
                .contains("sqlx")
        })
        .map(|file| file.display().to_string())
        .collect();
    assert!(
        outside.is_empty(),
        "sqlx named outside src/server/store/:\n{}",
        outside.join("\n")
    );
}

fn module(path: &str) -> Vec<String> {
    module_of(Path::new(path))
}

#[test]
fn an_upward_import_is_caught_in_each_form() {
    let store = module("src/server/store/writer.rs");
    for source in [
        "use crate::server::app::prometheus;",
        "use crate::server::{config::ServeConfig, store::Stored};",
        "use crate::{model::Event, server::http::AppState};",
        "fn f() { crate::server::cli::serve::run(); }",
        "use super::super::app::ingest::Platform;",
    ] {
        assert_eq!(wrong_way(&store, source).len(), 1, "not caught: {source}");
    }
    let app = module("src/server/app/ingest/mod.rs");
    assert_eq!(
        wrong_way(&app, "use super::super::http::AppState;").len(),
        1
    );
}

#[test]
fn downward_and_sibling_imports_pass() {
    let http = module("src/server/http/router.rs");
    for source in [
        "use crate::server::app::{ingest, prometheus as metrics};",
        "use super::auth::guard;",
        "use crate::model::{Event, LiveUpdate};",
        "// use crate::server::cli::serve; a comment names no import",
    ] {
        assert_eq!(wrong_way(&http, source), Vec::<String>::new(), "{source}");
    }
}
