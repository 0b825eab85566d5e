//! Carebridge's persistence: one [`Store`] over SQLite (the embedded default) and
//! PostgreSQL (the server backend).
//!
//! Both backends run the same SQL through sqlx's `Any` driver. The schemas are kept
//! separately (`migrations/sqlite`, `migrations/postgres`) because DDL differs, but they
//! have the same tables, columns and meaning, and values are stored in the same
//! representation on both: dates as ISO-8601 text, instants as RFC 3339 UTC text. That
//! is what lets one query, and one story test, serve both.
//!
//! SQL lives next to the code that runs it, one module per concern.

mod accounts;
mod attachments;
pub mod audit;
mod authority;
mod casefile;
mod casework;
mod children;
mod demo_load;
mod error;
pub mod import;
mod person;
mod provision;
mod records;
mod relationships;
mod rows;
mod staff;
mod statutory;
mod subject_access;
mod transfer;
mod url;
mod writing;

use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use accounts::{NewUser, PendingSignOn, SessionRecord, UserRecord};
pub use authority::AuthorityOverview;
pub use carebridge_policy::GrantKind;
pub use casefile::{ChildCasefile, Draft, OpenCasefile, DUE_LIST_LIMIT};
pub use casework::{AllocationRecord, CaseRecord, Caseload, CaseloadEntry, Closure, Worker};
pub use demo_load::{BatchRecords, Seed};
pub use error::StoreError;
pub use person::PersonRecord;
pub use records::{BreakGlassRecord, ChildListing, ExplanationFacts, RecordTx, RestrictionRecord};
pub use staff::{PostRow, StaffRow};
pub use transfer::{ScopeSnapshot, TransferPlanRecord};
pub use url::{Backend, DatabaseUrl};

/// The store: a connection pool to one database and the knowledge of which backend it is.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Where the database is: `verify_audit` reads a SQLite file directly, and opens
    /// its own native connection to PostgreSQL.
    url: DatabaseUrl,
    /// This process's turn to write (see [`writing`]).
    turns: writing::Turns,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("url", &self.url.redacted())
            .finish_non_exhaustive()
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects to the database at `url` and brings its schema up to date.
    ///
    /// A SQLite file is created when missing; a file that is not a SQLite database, or a
    /// database migrated by a newer Carebridge, is refused with a clear error.
    pub async fn open(url: &DatabaseUrl) -> Result<Store, StoreError> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating (for `carebridge migrate --check` and tests).
    pub async fn connect(url: &DatabaseUrl) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        if let DatabaseUrl::Sqlite(path) = url {
            check_sqlite_header(url, path)?;
        }
        let options: AnyConnectOptions =
            url.connection_string()
                .parse()
                .map_err(|e: sqlx::Error| StoreError::InvalidUrl {
                    url: url.redacted(),
                    reason: e.to_string(),
                })?;
        let backend = url.backend();
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Durability and integrity first: WAL for concurrent readers,
                        // synchronous=FULL so a committed transaction survives power loss,
                        // foreign keys on (SQLite leaves them off by default).
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        // A 32 MiB page cache per connection (SQLite's default is
                        // 2 MiB), so the indexes of a large authority stay in memory.
                        conn.execute("PRAGMA cache_size = -32768").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| StoreError::from_connect(url, e))?;
        let store = Store {
            pool,
            backend,
            url: url.clone(),
            turns: writing::Turns::default(),
        };
        store.probe(url).await?;
        Ok(store)
    }

    /// One cheap query that fails on a file that is not a database.
    async fn probe(&self, url: &DatabaseUrl) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(|e| StoreError::from_connect(url, e))?;
        Ok(())
    }

    /// Applies any migrations not yet applied.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .map_err(StoreError::from_migrate)
    }

    /// Which backend this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The highest migration version this build knows.
    pub fn latest_schema_version(&self) -> i64 {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// Closes every connection (waits for in-flight queries).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// Refuses, before any connection is tried, a file that exists but does not start with
/// SQLite's 16-byte header: otherwise the pool would retry the connection until its
/// timeout. (A header check is all this needs, so it is written here.)
fn check_sqlite_header(url: &DatabaseUrl, path: &std::path::Path) -> Result<(), StoreError> {
    use std::io::Read;
    const HEADER: &[u8; 16] = b"SQLite format 3\0";
    let Ok(mut file) = std::fs::File::open(path) else {
        // Missing (it will be created) or unreadable (the connection says why).
        return Ok(());
    };
    let mut start = Vec::with_capacity(16);
    let read = file.by_ref().take(16).read_to_end(&mut start);
    match read {
        Ok(0) => Ok(()),
        Ok(_) if start.as_slice() == HEADER => Ok(()),
        Ok(_) => Err(StoreError::NotADatabase {
            url: url.redacted(),
            reason: "the file does not start with the SQLite header".to_owned(),
        }),
        Err(e) => Err(StoreError::Unavailable {
            url: url.redacted(),
            reason: e.to_string(),
        }),
    }
}

impl Store {
    /// Writes a consistent copy of a SQLite database to `path` while it is in use
    /// (`VACUUM INTO`: one read transaction, so the copy is a single moment's state).
    /// `path` must not exist. PostgreSQL databases are backed up with `pg_dump`.
    pub async fn backup_sqlite_to(&self, path: &std::path::Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Refused("VACUUM INTO is for SQLite databases"));
        }
        let target = path
            .to_str()
            .ok_or(StoreError::Refused("the backup path must be valid UTF-8"))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many children's records the database holds (for backup and restore reports).
    pub async fn count_children(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM children")
            .fetch_one(&self.pool)
            .await?)
    }
}
