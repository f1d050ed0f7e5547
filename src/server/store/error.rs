//! The store's one error type: what went wrong, in terms the layers above
//! act on (retry later, report a conflict, report unreadable data), so
//! nothing outside the store names the database driver.

use std::borrow::Cow;

/// The driver's own error under a store error (kept for the log).
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database cannot be reached, is shutting down, or is too busy to
    /// answer in time: the same request may succeed later.
    #[error("the database is unavailable: {0}")]
    Unavailable(#[source] Cause),
    /// A change the data's constraints refuse (a duplicate name, a row
    /// another one still refers to).
    #[error("the change conflicts with what is stored: {0}")]
    Conflict(#[source] Cause),
    /// What is stored cannot be read by this build: an unknown stored
    /// value, a column of the wrong type, a row that should be there.
    #[error("stored data cannot be read: {0}")]
    Corrupt(Cow<'static, str>),
    /// Anything else the database reported: a bug, not a condition to
    /// recover from.
    #[error("the database failed: {0}")]
    Failed(#[source] Cause),
}

impl Error {
    /// An error for a stored value this build cannot read.
    pub fn corrupt(what: impl Into<Cow<'static, str>>) -> Self {
        Error::Corrupt(what.into())
    }

    /// Whether the same request may succeed later (an HTTP edge answers
    /// 503 with `Retry-After`).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Error::Unavailable(_))
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        match e {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => Error::Unavailable(e.into()),
            sqlx::Error::Database(ref db) => match db.kind() {
                ErrorKind::UniqueViolation | ErrorKind::ForeignKeyViolation => {
                    Error::Conflict(e.into())
                }
                _ if busy(db.code().as_deref()) => Error::Unavailable(e.into()),
                _ => Error::Failed(e.into()),
            },
            sqlx::Error::Decode(_)
            | sqlx::Error::ColumnDecode { .. }
            | sqlx::Error::ColumnNotFound(_)
            | sqlx::Error::ColumnIndexOutOfBounds { .. }
            | sqlx::Error::TypeNotFound { .. }
            | sqlx::Error::RowNotFound => Error::Corrupt(e.to_string().into()),
            _ => Error::Failed(e.into()),
        }
    }
}

/// Conditions that pass: PostgreSQL's five-character SQLSTATEs for "cannot
/// connect now", "admin shutdown", "too many connections", a lock not
/// available, a serialization failure and a deadlock; SQLite's numeric
/// "busy" and "locked" (primary codes 5 and 6, and their extended codes).
fn busy(code: Option<&str>) -> bool {
    match code {
        Some(sqlstate) if sqlstate.len() == 5 => matches!(
            sqlstate,
            "57P03" | "57P01" | "53300" | "55P03" | "40001" | "40P01"
        ),
        Some(sqlite) => sqlite
            .parse::<i32>()
            .is_ok_and(|n| matches!(n & 0xff, 5 | 6)),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn driver_errors_map_to_what_callers_act_on() {
        assert!(Error::from(sqlx::Error::PoolTimedOut).is_unavailable());
        assert!(Error::from(sqlx::Error::PoolClosed).is_unavailable());
        assert!(matches!(
            Error::from(sqlx::Error::RowNotFound),
            Error::Corrupt(_)
        ));
        assert!(matches!(
            Error::from(sqlx::Error::Protocol("odd".into())),
            Error::Failed(_)
        ));
    }

    #[test]
    fn busy_codes_pass_and_others_do_not() {
        assert!(busy(Some("5")));
        assert!(busy(Some("517")));
        assert!(busy(Some("6")));
        assert!(busy(Some("57P03")));
        assert!(!busy(Some("19")));
        assert!(!busy(Some("23505")));
        assert!(!busy(Some("22005")));
        assert!(!busy(None));
    }
}
