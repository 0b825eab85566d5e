//! The store's one error type.

use crate::DatabaseUrl;

/// What went wrong reading or writing the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The `--database` URL could not be read.
    #[error("database URL {url:?} is not valid: {reason}")]
    InvalidUrl {
        /// The URL as given (password hidden).
        url: String,
        /// What was expected.
        reason: String,
    },
    /// The database could not be opened or reached.
    #[error("cannot open database {url}: {reason}")]
    Unavailable {
        /// Which database.
        url: String,
        /// Why, in one line.
        reason: String,
    },
    /// The file exists but is not a SQLite database (or is damaged).
    #[error("{url} is not a Carebridge database or is damaged (SQLite says: {reason}); restore it from a backup or move it aside")]
    NotADatabase {
        /// Which file.
        url: String,
        /// SQLite's words.
        reason: String,
    },
    /// The database has been migrated by a newer Carebridge than this one.
    #[error("the database has schema version {version}, which this Carebridge ({}) does not know: it was migrated by a newer release; upgrade Carebridge", env!("CARGO_PKG_VERSION"))]
    NewerSchema {
        /// The unknown migration version.
        version: i64,
    },
    /// A migration failed to apply.
    #[error("migrating the database failed: {0}")]
    Migration(String),
    /// A write would break a rule the database enforces (overlap, uniqueness, reference).
    #[error("{0}")]
    Conflict(String),
    /// A stored value could not be read back (the database was edited outside Carebridge).
    #[error("stored {what} is not valid: {problem}")]
    Corrupt {
        /// What was being read.
        what: &'static str,
        /// What was wrong.
        problem: String,
    },
    /// The capability handed in does not allow this operation (a programming error:
    /// the policy decided one thing and the caller asked for another).
    #[error("refused: {0}")]
    Refused(&'static str),
    /// Reading the audit log directly (for verification) failed.
    #[error("reading the audit log: {0}")]
    AuditRead(String),
    /// No turn to write came within the wait (the database is overloaded, or a write
    /// was attempted while the same task already held the turn).
    #[error("the database is busy: no turn to write came within {0} seconds; try again")]
    Busy(u64),
    /// A database error with no better description.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl StoreError {
    pub(crate) fn from_connect(url: &DatabaseUrl, e: sqlx::Error) -> Self {
        let reason = one_line(&e);
        let lower = reason.to_lowercase();
        if lower.contains("not a database")
            || lower.contains("malformed")
            || lower.contains("corrupt")
        {
            StoreError::NotADatabase {
                url: url.redacted(),
                reason,
            }
        } else {
            StoreError::Unavailable {
                url: url.redacted(),
                reason,
            }
        }
    }

    pub(crate) fn from_migrate(e: sqlx::migrate::MigrateError) -> Self {
        use sqlx::migrate::MigrateError;
        match e {
            MigrateError::VersionMissing(version) => StoreError::NewerSchema { version },
            MigrateError::Execute(inner) if is_not_a_database(&inner) => StoreError::NotADatabase {
                url: String::from("the database"),
                reason: one_line(&inner),
            },
            other => StoreError::Migration(other.to_string()),
        }
    }

    /// Whether this error means the caller's input clashed with data (and retrying the
    /// same input will fail again).
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict(_))
    }
}

fn is_not_a_database(e: &sqlx::Error) -> bool {
    e.to_string().to_lowercase().contains("not a database")
}

fn one_line(e: &sqlx::Error) -> String {
    e.to_string().lines().next().unwrap_or_default().to_owned()
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            let message = db.message();
            if message.contains("must not overlap")
                || db.is_unique_violation()
                || db.is_foreign_key_violation()
                || db.is_check_violation()
            {
                return StoreError::Conflict(message.to_owned());
            }
        }
        StoreError::Database(e)
    }
}
