//! One writer at a time, in turn: how this process writes to SQLite.
//!
//! SQLite lets one connection write at a time. A second writer that finds the lock
//! taken is put to sleep by SQLite's busy handler for 1, 2, 5, 10 … up to 100 ms
//! between tries, whether or not the lock came free in the meantime. A record page is a
//! write transaction (the access decision, the reads and the audit entry commit
//! together, `BEGIN IMMEDIATE`), so under load most of the pool's connections sat in
//! that handler while the lock lay idle: at 250 sessions the page's p95 was over a
//! second although the lock was held for a few milliseconds per page.
//!
//! So writers first take this process's turn, a fair (first come, first served) async
//! mutex, and only then SQLite's lock, which is then almost always free at once; the
//! next writer starts the moment the last commits. Other processes (the command line
//! against a served file) still meet SQLite's busy handler, as before. PostgreSQL
//! locks rows, not the database, and takes no turn.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::{Backend, Store, StoreError};

/// How long a writer waits for its turn before giving up, as SQLite's own
/// `busy_timeout` (set on each connection) does.
const TURN_WAIT: Duration = Duration::from_secs(10);

/// The turn to write, shared by a store's clones.
pub(crate) type Turns = Arc<Mutex<()>>;

/// A connection (or transaction) held with this process's turn to write, on SQLite.
/// The turn passes on when it is dropped: after the connection, so a transaction's
/// commit or rollback has been handed to SQLite first.
#[derive(Debug)]
pub(crate) struct Writing<C> {
    conn: C,
    _turn: Option<OwnedMutexGuard<()>>,
    /// When the turn was taken (for the trace of how long writers hold it).
    taken: Instant,
}

impl<C: DerefMut<Target = AnyConnection>> Deref for Writing<C> {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl<C: DerefMut<Target = AnyConnection>> DerefMut for Writing<C> {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

impl Writing<Transaction<'static, Any>> {
    /// Commits, then passes the turn on.
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        self.conn.commit().await?;
        tracing::trace!(
            held_us = self.taken.elapsed().as_micros() as u64,
            "write transaction committed"
        );
        Ok(())
    }
}

impl Store {
    /// Waits for this process's turn to write, on SQLite; none is needed on PostgreSQL.
    async fn turn(&self) -> Result<Option<OwnedMutexGuard<()>>, StoreError> {
        match self.backend() {
            Backend::Sqlite => {
                tokio::time::timeout(TURN_WAIT, Arc::clone(&self.turns).lock_owned())
                    .await
                    .map(Some)
                    .map_err(|_| StoreError::Busy(TURN_WAIT.as_secs()))
            }
            Backend::Postgres => Ok(None),
        }
    }

    /// Begins a transaction that will write. On SQLite it waits its turn, then takes
    /// the write lock at once (`BEGIN IMMEDIATE`), so a transaction that reads and then
    /// appends to the audit log cannot fail half-way because another writer went first.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<Writing<Transaction<'static, Any>>, StoreError> {
        let asked = Instant::now();
        let turn = self.turn().await?;
        let taken = Instant::now();
        tracing::trace!(
            waited_us = (taken - asked).as_micros() as u64,
            "turn to write taken"
        );
        let conn = match self.backend() {
            Backend::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool().begin().await?,
        };
        Ok(Writing {
            conn,
            _turn: turn,
            taken,
        })
    }

    /// Begins a transaction that only reads, over one consistent snapshot, without the
    /// turn to write.
    pub(crate) async fn begin_snapshot(
        &self,
    ) -> Result<Writing<Transaction<'static, Any>>, StoreError> {
        let conn = match self.backend() {
            Backend::Sqlite => self.pool().begin().await?,
            Backend::Postgres => {
                self.pool()
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?
            }
        };
        Ok(Writing {
            conn,
            _turn: None,
            taken: Instant::now(),
        })
    }

    /// A connection for one statement that writes, outside any transaction.
    pub(crate) async fn writer(&self) -> Result<Writing<PoolConnection<Any>>, StoreError> {
        let turn = self.turn().await?;
        Ok(Writing {
            conn: self.pool().acquire().await?,
            _turn: turn,
            taken: Instant::now(),
        })
    }
}
