//! What `CALLTRAIL_DB` (`--db`) may name: a SQLite file, as a path or a
//! `sqlite:` URL (the default), or a PostgreSQL database as a
//! `postgres://` URL. Anything else is refused when the command line is
//! read, so a URL is never taken for a file name (a `postgres://…` value once
//! made a folder named `postgres:` and a SQLite file in it). Every command
//! reads it, so a value set for the server in the environment is checked
//! even by `simulate`, which opens no database.

use std::path::PathBuf;

pub use crate::server::store::Database;

/// The database `value` names, or why it names none.
pub fn database(value: &str) -> Result<Database, String> {
    let value = value.trim();
    match scheme(value) {
        Some(s) if s.eq_ignore_ascii_case("postgres") || s.eq_ignore_ascii_case("postgresql") => {
            Ok(Database::Postgres(value.to_string()))
        }
        _ => sqlite_file(value).map(Database::Sqlite),
    }
}

/// The SQLite file `value` names, or why it names none: what the commands
/// that work on a file (backup, restore) take.
pub fn sqlite_file(value: &str) -> Result<PathBuf, String> {
    let value = value.trim();
    let sqlite = value
        .get(..7)
        .filter(|s| s.eq_ignore_ascii_case("sqlite:"))
        .map(|_| &value[7..]);
    if let Some(rest) = sqlite {
        // `sqlite://data/x.db` and `sqlite:data/x.db` alike; any `?mode=…`
        // options are not read, so one is refused rather than kept in the name.
        let path = rest.strip_prefix("//").unwrap_or(rest);
        if path.contains('?') {
            return Err("options after `?` are not read: give the file alone".into());
        }
        return non_empty(path);
    }
    match scheme(value) {
        Some(s) if s.eq_ignore_ascii_case("postgres") || s.eq_ignore_ascii_case("postgresql") => {
            Err(
                "this command works on a SQLite file; back up and restore PostgreSQL with \
                 pg_dump and pg_restore (see docs/operations.md)"
                    .into(),
            )
        }
        Some(s) => Err(format!(
            "`{s}://` is not a database calltrail can use: give a SQLite file path \
             (data/calltrail.db), sqlite:PATH or postgres://…"
        )),
        None => non_empty(value),
    }
}

/// The scheme of a `scheme://…` URL.
fn scheme(value: &str) -> Option<&str> {
    let (scheme, _) = value.split_once("://")?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then_some(scheme)
}

fn non_empty(path: &str) -> Result<PathBuf, String> {
    match path {
        "" => Err("no file named: give a SQLite file path (data/calltrail.db)".into()),
        // The writer and the readers open the file each: they would not
        // share a database in memory, and every event would be lost at exit.
        ":memory:" => Err("a database in memory would lose every event: give a file path".into()),
        _ => Ok(PathBuf::from(path)),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::server::config::Cli;

    #[test]
    fn paths_and_sqlite_urls_name_a_file() {
        for (value, file) in [
            ("data/calltrail.db", "data/calltrail.db"),
            ("/var/lib/calltrail/db", "/var/lib/calltrail/db"),
            ("sqlite:data/x.db", "data/x.db"),
            ("sqlite:///var/lib/x.db", "/var/lib/x.db"),
            ("sqlite://x.db", "x.db"),
            ("SQLite:x.db", "x.db"),
            ("weird:name.db", "weird:name.db"),
        ] {
            assert_eq!(sqlite_file(value), Ok(PathBuf::from(file)), "{value}");
        }
    }

    #[test]
    fn postgres_urls_name_a_postgres_database() {
        for value in [
            "postgres://u@db/calltrail",
            " PostgreSQL://u:pw@db:5433/c?sslmode=require",
        ] {
            assert_eq!(
                database(value),
                Ok(Database::Postgres(value.trim().to_string())),
                "{value}"
            );
        }
        assert_eq!(
            database("data/x.db"),
            Ok(Database::Sqlite(PathBuf::from("data/x.db")))
        );
        assert_eq!(
            database("mysql://db/x").unwrap_err(),
            sqlite_file("mysql://db/x").unwrap_err()
        );
    }

    #[test]
    fn a_postgres_password_is_not_shown() {
        let db = database("postgres://ann:s3cret@db:5432/calltrail").unwrap();
        assert_eq!(db.to_string(), "postgres://ann:****@db:5432/calltrail");
        let db = database("postgres://ann@db/calltrail").unwrap();
        assert_eq!(db.to_string(), "postgres://ann@db/calltrail");
    }

    #[test]
    fn other_databases_are_refused_with_the_reason() {
        let refused = |v: &str| sqlite_file(v).unwrap_err();
        assert!(refused("postgres://u@db/calltrail").contains("pg_dump"));
        assert!(refused("PostgreSQL://u@db/calltrail").contains("pg_dump"));
        assert!(refused("mysql://db/x").starts_with("`mysql://` is not a database"));
        assert!(refused("sqlite:x.db?mode=ro").contains("options after `?`"));
        assert!(refused("sqlite:").contains("no file named"));
        assert!(refused("sqlite::memory:").contains("in memory"));
        assert!(refused("  ").contains("no file named"));
    }

    #[test]
    fn the_command_line_takes_a_postgres_url_and_refuses_other_schemes() {
        let cli = Cli::try_parse_from(["calltrail", "--db", "postgres://u@db/calltrail"]).unwrap();
        assert_eq!(
            cli.serve.db,
            Database::Postgres("postgres://u@db/calltrail".into())
        );
        let err = Cli::try_parse_from(["calltrail", "backup", "b.db", "--db", "postgres://u@db/c"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("pg_dump"), "{err}");
        for args in [
            &["calltrail", "serve", "--db", "mysql://x"][..],
            &["calltrail", "backup", "b.db", "--db", "mysql://x"],
            &["calltrail", "user", "add", "ann", "--db", "mysql://x"],
        ] {
            assert!(Cli::try_parse_from(args).is_err(), "{args:?}");
        }
    }

    #[test]
    fn migrate_data_takes_a_sqlite_file_and_a_postgres_url() {
        use crate::server::config::Command;
        let cli = Cli::try_parse_from([
            "calltrail",
            "migrate-data",
            "--from",
            "sqlite:old.db",
            "--to",
            "postgres://u@db/c",
        ])
        .unwrap();
        let Some(Command::MigrateData(args)) = cli.command else {
            panic!("not migrate-data");
        };
        assert_eq!(args.from, PathBuf::from("old.db"));
        assert_eq!(args.to, "postgres://u@db/c");
        let err = Cli::try_parse_from([
            "calltrail",
            "migrate-data",
            "--from",
            "a.db",
            "--to",
            "b.db",
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("postgres://"), "{err}");
    }
}
