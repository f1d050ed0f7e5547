//! `calltrail backup FILE` and `calltrail restore BACKUP`: a consistent copy
//! of the database taken while the server runs, and putting such a copy back
//! in place of the database while the server is stopped.

use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::server::config::{BackupArgs, MigrateDataArgs, RestoreArgs};
use crate::server::store::backup::{self as sql, Contents};
use crate::server::store::now_ms;

/// What a copy holds, as the commands say it.
fn counted(c: &Contents) -> String {
    format!(
        "{} calls, {} events, {} deliveries",
        c.calls, c.events, c.deliveries
    )
}

pub async fn run_backup(args: BackupArgs) -> anyhow::Result<()> {
    let contents = backup(&args.db, &args.file).await?;
    let (db, file) = (args.db.display(), args.file.display());
    println!("backed up {db} to {file}: {}", counted(&contents));
    Ok(())
}

/// `calltrail migrate-data`: prints each table's rows, counted equal on
/// both sides.
pub async fn run_migrate_data(args: MigrateDataArgs) -> anyhow::Result<()> {
    let to = crate::server::config::Database::Postgres(args.to.clone());
    let counts = crate::server::store::move_data::move_data(&args.from, &args.to)
        .await
        .with_context(|| format!("copying {} into {to}", args.from.display()))?;
    println!("copied {} into {to}; rows in both:", args.from.display());
    for (table, rows) in counts {
        println!("  {table:<14} {rows}");
    }
    println!("start calltrail with CALLTRAIL_DB={to} (everyone signs in again)");
    Ok(())
}

pub async fn run_restore(args: RestoreArgs) -> anyhow::Result<()> {
    let restored = restore(&args.backup, &args.db).await?;
    if let Some(previous) = &restored.previous {
        println!("the database it replaces is kept as {}", previous.display());
    }
    let (backup, db) = (args.backup.display(), args.db.display());
    let contents = counted(&restored.contents);
    println!("restored {backup} into {db}: {contents}; start the server");
    Ok(())
}

/// Copies the database at `db` to the new file `target`, consistently even
/// while a server writes to it. Never overwrites a file.
pub async fn backup(db: &Path, target: &Path) -> anyhow::Result<Contents> {
    if target.exists() {
        bail!(
            "{} already exists; a backup never overwrites a file (choose another name)",
            target.display()
        );
    }
    if !db.is_file() {
        bail!(
            "there is no database at {} (set --db or CALLTRAIL_DB)",
            db.display()
        );
    }
    if let Some(dir) = parent(target) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let copied = sql::vacuum_into(db, target).await;
    if let Err(e) = copied {
        // Only a file this backup began: the target did not exist before.
        let _ = std::fs::remove_file(target);
        return Err(e).with_context(|| format!("backing up {}", db.display()));
    }
    // SQLite does not sync the file VACUUM INTO writes.
    sync(target)?;
    sql::read_contents(target)
        .await
        .with_context(|| format!("reading the backup {}", target.display()))
}

/// What a restore put in place.
#[derive(Debug)]
pub struct Restored {
    pub contents: Contents,
    /// Where the database that was at the target now is.
    pub previous: Option<PathBuf>,
}

/// Puts a copy of `backup` in place of the database at `target`, after
/// checking it is an intact calltrail database. Refuses while a server has
/// `target` open; a database already there is moved aside, not deleted.
pub async fn restore(backup: &Path, target: &Path) -> anyhow::Result<Restored> {
    if !backup.is_file() {
        bail!("there is no backup at {}", backup.display());
    }
    if let Some(dir) = parent(target) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let staging = with_suffix(target, ".restoring");
    remove_database_files(&staging)?;
    std::fs::copy(backup, &staging)
        .with_context(|| format!("copying {} to {}", backup.display(), staging.display()))?;
    let contents = match sql::prepare_restore(&staging).await {
        Ok(contents) => contents,
        Err(e) => {
            remove_database_files(&staging)?;
            return Err(e).with_context(|| format!("{} cannot be restored", backup.display()));
        }
    };
    sync(&staging)?;
    let previous = if target.exists() {
        if sql::in_use(target).await.unwrap_or(false) {
            remove_database_files(&staging)?;
            bail!(
                "{} is open in another process (is the server running?); stop it, then restore",
                target.display()
            );
        }
        let aside = with_suffix(target, &format!(".before-restore-{}", now_ms()));
        move_database_files(target, &aside)?;
        Some(aside)
    } else {
        // Files of an earlier database must not be applied to the new one.
        remove_database_files(target)?;
        None
    };
    std::fs::rename(&staging, target)
        .with_context(|| format!("moving {} to {}", staging.display(), target.display()))?;
    if let Some(dir) = parent(target) {
        sync(dir)?;
    }
    Ok(Restored { contents, previous })
}

/// The folder a path is in, when it names one.
fn parent(path: &Path) -> Option<&Path> {
    path.parent().filter(|d| !d.as_os_str().is_empty())
}

/// `path` with `suffix` added to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

/// The files SQLite keeps beside a database.
const SIDE_FILES: [&str; 3] = ["-wal", "-shm", "-journal"];

/// Moves a database and the files beside it (write-ahead log, shared memory).
fn move_database_files(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::rename(from, to)
        .with_context(|| format!("moving {} to {}", from.display(), to.display()))?;
    for side in SIDE_FILES {
        let file = with_suffix(from, side);
        if file.exists() {
            let moved = with_suffix(to, side);
            std::fs::rename(&file, &moved)
                .with_context(|| format!("moving {} to {}", file.display(), moved.display()))?;
        }
    }
    Ok(())
}

/// Removes a database file and the files beside it, where they exist.
fn remove_database_files(path: &Path) -> anyhow::Result<()> {
    let sides = SIDE_FILES.iter().map(|side| with_suffix(path, side));
    for file in std::iter::once(path.to_path_buf()).chain(sides) {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("removing {}", file.display())),
        }
    }
    Ok(())
}

/// Flushes a file (or a folder's entries) to disk.
fn sync(path: &Path) -> anyhow::Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("syncing {}", path.display()))
}
