//! Which database the store opens: a SQLite file or a PostgreSQL URL. The
//! command line names it (`config::Database` parses `--db`).

use std::fmt;
use std::path::PathBuf;

/// The database calltrail keeps its data in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(PathBuf),
    /// A `postgres://` (or `postgresql://`) URL, as given.
    Postgres(String),
}

impl Database {
    /// The SQLite file, when that is the database.
    pub fn sqlite_file(&self) -> Option<&std::path::Path> {
        match self {
            Database::Sqlite(path) => Some(path),
            Database::Postgres(_) => None,
        }
    }
}

/// How the database is named in logs and errors: a PostgreSQL URL without
/// its password.
impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => match url::Url::parse(url) {
                Ok(mut url) if url.password().is_some() => {
                    let _ = url.set_password(Some("****"));
                    write!(f, "{url}")
                }
                _ => f.write_str(url),
            },
        }
    }
}
