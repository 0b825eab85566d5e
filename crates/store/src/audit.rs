//! The tamper-evident audit log.
//!
//! Every entry is appended inside the transaction of the action it records (see
//! [`crate::RecordTx`]), so an action whose audit entry cannot be written does not
//! happen. The table is append-only (database triggers refuse UPDATE and DELETE on both
//! backends) and hash-chained: an entry's hash is the SHA-256 of its content and the
//! previous entry's hash, so any edit, deletion or insertion behind the application's
//! back breaks the chain where it was made. [`Store::verify_audit`] walks the chain;
//! [`Store::audit_head`] gives the latest hash to keep somewhere else, so a later
//! verification can also prove the log still extends it.

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;

use carebridge_domain::{ChildId, OrganisationId, UserId};

use crate::rows::{instant, instant_text};
use crate::{Store, StoreError};

/// The hash the first entry links back to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry to append: who did what to which record, the decision and its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// The account, or `None` for the system itself (e.g. the command line).
    pub user: Option<UserId>,
    /// The account's sign-in name (kept even if the account is renamed).
    pub username: String,
    /// The employer the person acted on behalf of, if any.
    pub employer: Option<OrganisationId>,
    /// The role they acted in.
    pub role: String,
    /// What they did (e.g. `open`, `search`, `break-glass`).
    pub action: String,
    /// The child's record, if the action was on one.
    pub child: Option<ChildId>,
    /// Whether it was allowed.
    pub allowed: bool,
    /// Why it was allowed or refused.
    pub reason: String,
    /// The request it came in on.
    pub request_id: String,
    /// The client's address.
    pub client: String,
}

/// An entry as stored, with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its position: 1, 2, 3… with no gaps.
    pub seq: i64,
    /// What was recorded.
    pub entry: NewAuditEntry,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// An entry's fields exactly as stored, which is what its hash covers.
struct StoredFields<'a> {
    seq: i64,
    at: &'a str,
    user: Option<i64>,
    username: &'a str,
    employer: Option<i64>,
    role: &'a str,
    action: &'a str,
    child: Option<i64>,
    decision: &'a str,
    reason: &'a str,
    request_id: &'a str,
    client: &'a str,
}

impl StoredFields<'_> {
    /// SHA-256 over every field, each preceded by its length so no two different
    /// entries hash the same bytes, then the previous entry's hash (as hex text).
    fn hash(&self, prev_hash: &str) -> [u8; 32] {
        fn field(h: &mut Sha256, bytes: &[u8]) {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        }
        fn number(h: &mut Sha256, v: Option<i64>) {
            let mut buf = itoa::Buffer::new();
            field(h, v.map_or("", |v| buf.format(v)).as_bytes());
        }
        let mut h = Sha256::new();
        number(&mut h, Some(self.seq));
        field(&mut h, self.at.as_bytes());
        number(&mut h, self.user);
        field(&mut h, self.username.as_bytes());
        number(&mut h, self.employer);
        field(&mut h, self.role.as_bytes());
        field(&mut h, self.action.as_bytes());
        number(&mut h, self.child);
        field(&mut h, self.decision.as_bytes());
        field(&mut h, self.reason.as_bytes());
        field(&mut h, self.request_id.as_bytes());
        field(&mut h, self.client.as_bytes());
        field(&mut h, prev_hash.as_bytes());
        h.finalize().into()
    }
}

/// The hash of entry `seq` with content `e` following `prev_hash`: hex, lower case.
pub fn entry_hash(seq: i64, e: &NewAuditEntry, prev_hash: &str) -> String {
    let at = instant_text(e.at);
    hex::encode(
        StoredFields {
            seq,
            at: &at,
            user: e.user.map(|u| u.0),
            username: &e.username,
            employer: e.employer.map(|o| o.0),
            role: &e.role,
            action: &e.action,
            child: e.child.map(|c| c.0),
            decision: if e.allowed { "allow" } else { "deny" },
            reason: &e.reason,
            request_id: &e.request_id,
            client: &e.client,
        }
        .hash(prev_hash),
    )
}

/// Appends `entry` in `conn`'s transaction, linking it to the chain's head.
pub(crate) async fn append(
    conn: &mut sqlx::AnyConnection,
    entry: &NewAuditEntry,
) -> Result<AuditEntry, StoreError> {
    // Taking the head row for update serialises appends (a row lock on PostgreSQL; the
    // write lock on SQLite), so two transactions can never link to the same entry.
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    let seq: i64 = head.try_get("seq")?;
    let prev_hash: String = head.try_get("hash")?;
    let hash = entry_hash(seq, entry, &prev_hash);
    // On PostgreSQL the insert and the head's new hash go in one statement (one round
    // trip less while the head is locked); SQLite cannot modify data in a WITH clause.
    let postgres = conn.backend_name() == "PostgreSQL";
    let insert =
        "INSERT INTO audit_log (seq, at, user_id, username, employer_id, role, action, child_id, \
         decision, reason, request_id, client, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
    let sql = if postgres {
        format!("WITH entry AS ({insert} RETURNING hash) UPDATE audit_head SET hash = (SELECT hash FROM entry) WHERE id = 1")
    } else {
        insert.to_owned()
    };
    sqlx::query(&sql)
        .bind(seq)
        .bind(instant_text(entry.at))
        .bind(entry.user.map(|u| u.0))
        .bind(&entry.username)
        .bind(entry.employer.map(|o| o.0))
        .bind(&entry.role)
        .bind(&entry.action)
        .bind(entry.child.map(|c| c.0))
        .bind(if entry.allowed { "allow" } else { "deny" })
        .bind(&entry.reason)
        .bind(&entry.request_id)
        .bind(&entry.client)
        .bind(&prev_hash)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    if !postgres {
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(&hash)
            .execute(&mut *conn)
            .await?;
    }
    Ok(AuditEntry {
        seq,
        entry: entry.clone(),
        prev_hash,
        hash,
    })
}

pub(crate) const ENTRY_COLUMNS: &str = "seq, at, user_id, username, employer_id, role, action, \
     child_id, decision, reason, request_id, client, prev_hash, hash";

pub(crate) fn entry_from_row(row: &AnyRow) -> Result<AuditEntry, StoreError> {
    let decision: String = row.try_get("decision")?;
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        entry: NewAuditEntry {
            at: instant(row, "at")?,
            user: row.try_get::<Option<i64>, _>("user_id")?.map(UserId),
            username: row.try_get("username")?,
            employer: row
                .try_get::<Option<i64>, _>("employer_id")?
                .map(OrganisationId),
            role: row.try_get("role")?,
            action: row.try_get("action")?,
            child: row.try_get::<Option<i64>, _>("child_id")?.map(ChildId),
            allowed: decision == "allow",
            reason: row.try_get("reason")?,
            request_id: row.try_get("request_id")?,
            client: row.try_get("client")?,
        },
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// Where the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenEntry {
    /// The first entry that does not check out (or, for a missing entry, the position
    /// where one was expected).
    pub seq: i64,
    /// What is wrong with it.
    pub problem: String,
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerification {
    /// Entries checked (up to the first broken one).
    pub entries: u64,
    /// The hash of the last good entry.
    pub head: String,
    /// The first broken entry, if any.
    pub broken: Option<BrokenEntry>,
    /// When asked whether the log extends a hash kept elsewhere: whether that hash is
    /// an entry of the verified chain.
    pub extends: Option<bool>,
}

/// Walks a chain entry by entry: the checks `verify_audit` makes, whatever the backend.
struct ChainCheck<'e> {
    expected_seq: i64,
    prev: String,
    extends: Option<&'e str>,
    found: Option<bool>,
    text: [u8; 64],
}

impl<'e> ChainCheck<'e> {
    fn new(extends: Option<&'e str>) -> Self {
        ChainCheck {
            expected_seq: 1,
            prev: GENESIS_HASH.to_owned(),
            extends,
            found: extends.map(|h| h == GENESIS_HASH),
            text: [0u8; 64],
        }
    }

    /// A check that starts at entry `seq`, trusting `prev` as the link before it (the
    /// caller checks that link separately).
    fn starting_at(seq: i64, prev: String, extends: Option<&'e str>) -> Self {
        ChainCheck {
            expected_seq: seq,
            prev,
            extends,
            found: extends.map(|_| false),
            text: [0u8; 64],
        }
    }

    /// Checks the next entry in order.
    fn next(
        &mut self,
        fields: &StoredFields<'_>,
        prev_hash: &str,
        hash: &str,
    ) -> Result<(), BrokenEntry> {
        let broken = |seq, problem: &str| BrokenEntry {
            seq,
            problem: problem.to_owned(),
        };
        if fields.seq != self.expected_seq {
            return Err(BrokenEntry {
                seq: self.expected_seq,
                problem: format!("entry {} is missing", self.expected_seq),
            });
        }
        if prev_hash != self.prev {
            return Err(broken(
                fields.seq,
                "its link to the previous entry is broken",
            ));
        }
        // Hex without allocating: the stored hash must be exactly this text.
        let computed = fields.hash(prev_hash);
        if hex::encode_to_slice(computed, &mut self.text).is_err()
            || self.text.as_slice() != hash.as_bytes()
        {
            return Err(broken(fields.seq, "its content does not match its hash"));
        }
        if let (Some(f), Some(h)) = (self.found.as_mut(), self.extends) {
            *f = *f || hash == h;
        }
        self.prev.clear();
        self.prev.push_str(hash);
        self.expected_seq += 1;
        Ok(())
    }

    /// The next entry could not be read at all.
    fn unreadable(&self, why: &str) -> BrokenEntry {
        BrokenEntry {
            seq: self.expected_seq,
            problem: format!("the entry cannot be read: {why}"),
        }
    }

    /// The verdict, given the first broken entry (if any) and the head.
    fn finish(
        self,
        mut broken: Option<BrokenEntry>,
        head_seq: i64,
        head_hash: &str,
    ) -> AuditVerification {
        let last = self.expected_seq - 1;
        if broken.is_none() {
            if last != head_seq {
                broken = Some(BrokenEntry {
                    seq: self.expected_seq,
                    problem: format!("the log ends at entry {last} but its head says {head_seq}"),
                });
            } else if self.prev != head_hash {
                broken = Some(BrokenEntry {
                    seq: head_seq,
                    problem: "the last entry's hash is not the head's".to_owned(),
                });
            }
        }
        AuditVerification {
            entries: u64::try_from(last).unwrap_or(0),
            head: self.prev,
            broken,
            extends: self.found,
        }
    }
}

/// `verify_audit` for a SQLite file, read directly: the chain is split in two halves
/// checked on two threads (entries never change, so each half may be read in its own
/// read transaction), then the halves' seam is checked.
fn verify_sqlite(
    path: &std::path::Path,
    extends: Option<&str>,
) -> Result<AuditVerification, StoreError> {
    let conn = open_read_only(path)?;
    let (head_seq, head_hash): (i64, String) = conn
        .query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(read_failed)?;
    let middle = head_seq / 2;
    // The second half starts from the link its first entry claims; the seam check
    // below holds it to the first half's last hash.
    let seam: Option<String> = conn
        .query_row(
            "SELECT prev_hash FROM audit_log WHERE seq = ?1",
            [middle + 1],
            |r| r.get(0),
        )
        .ok();
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| match &seam {
            Some(prev) if middle >= 1 => {
                let mut check = ChainCheck::starting_at(middle + 1, prev.clone(), extends);
                let broken = walk(path, middle + 1, head_seq, &mut check);
                broken.map(|b| (check, b))
            }
            _ => Ok((
                ChainCheck::starting_at(middle + 1, String::new(), extends),
                None,
            )),
        });
        let mut check = ChainCheck::new(extends);
        let upto = if seam.is_some() && middle >= 1 {
            middle
        } else {
            head_seq
        };
        let first = walk(path, 1, upto, &mut check).map(|b| (check, b));
        (first, second.join())
    });
    let (first, first_broken) = first?;
    let (second, second_broken) =
        second.map_err(|_| StoreError::AuditRead("a verifying thread failed".to_owned()))??;
    if first_broken.is_some() || seam.is_none() || middle < 1 {
        return Ok(first.finish(first_broken, head_seq, &head_hash));
    }
    if seam.as_deref() != Some(first.prev.as_str()) {
        let broken = BrokenEntry {
            seq: middle + 1,
            problem: "its link to the previous entry is broken".to_owned(),
        };
        return Ok(first.finish(Some(broken), head_seq, &head_hash));
    }
    let found = match (first.found, second.found) {
        (Some(a), Some(b)) => Some(a || b),
        _ => None,
    };
    let mut verdict = second.finish(second_broken, head_seq, &head_hash);
    verdict.extends = found;
    Ok(verdict)
}

fn read_failed(e: rusqlite::Error) -> StoreError {
    StoreError::AuditRead(e.to_string())
}

fn open_read_only(path: &std::path::Path) -> Result<rusqlite::Connection, StoreError> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(read_failed)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(read_failed)?;
    Ok(conn)
}

/// Checks entries `from..=to` in order with `check`; the first broken one, if any.
fn walk(
    path: &std::path::Path,
    from: i64,
    to: i64,
    check: &mut ChainCheck<'_>,
) -> Result<Option<BrokenEntry>, StoreError> {
    let conn = open_read_only(path)?;
    conn.execute_batch("BEGIN").map_err(read_failed)?;
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq"
        ))
        .map_err(read_failed)?;
    let mut rows = stmt.query([from, to]).map_err(read_failed)?;
    while let Some(row) = rows.next().map_err(read_failed)? {
        let text = |i: usize| -> rusqlite::Result<&str> {
            row.get_ref(i)?.as_str().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    i,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })
        };
        let read = (|| -> rusqlite::Result<(StoredFields<'_>, &str, &str)> {
            Ok((
                StoredFields {
                    seq: row.get(0)?,
                    at: text(1)?,
                    user: row.get(2)?,
                    username: text(3)?,
                    employer: row.get(4)?,
                    role: text(5)?,
                    action: text(6)?,
                    child: row.get(7)?,
                    decision: text(8)?,
                    reason: text(9)?,
                    request_id: text(10)?,
                    client: text(11)?,
                },
                text(12)?,
                text(13)?,
            ))
        })();
        let step = match read {
            Ok((fields, prev_hash, hash)) => check.next(&fields, prev_hash, hash),
            Err(e) => Err(check.unreadable(&e.to_string())),
        };
        if let Err(b) = step {
            return Ok(Some(b));
        }
    }
    Ok(None)
}

impl Store {
    /// The chain's head: how many entries, and the latest hash.
    pub async fn audit_head(&self) -> Result<(i64, String), StoreError> {
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(self.pool())
            .await?;
        Ok((row.try_get("seq")?, row.try_get("hash")?))
    }

    /// Walks the whole chain in order, recomputing every hash, and reports the first
    /// entry that does not check out: edited content, a broken link, a gap, or a log
    /// that ends before the head says it does. With `extends`, also says whether that
    /// hash (kept elsewhere from an earlier `audit head`) is in the chain.
    pub async fn verify_audit(
        &self,
        extends: Option<&str>,
    ) -> Result<AuditVerification, StoreError> {
        if let Some(path) = self.sqlite_path() {
            // SQLite is read through its own library on a blocking thread: sqlx's
            // driver costs about 5 µs a row, five times the hashing.
            let path = path.to_path_buf();
            let extends = extends.map(str::to_owned);
            return tokio::task::spawn_blocking(move || verify_sqlite(&path, extends.as_deref()))
                .await
                .map_err(|e| StoreError::AuditRead(e.to_string()))?;
        }
        let mut conn = self.pool().acquire().await?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let (head_seq, head_hash): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq <= $1 ORDER BY seq");
        let mut rows = sqlx::query(&sql).bind(head_seq).fetch(&mut *tx);
        let mut check = ChainCheck::new(extends);
        let mut broken = None;
        while let Some(row) = rows.try_next().await? {
            let read = (|| -> Result<(StoredFields<'_>, &str, &str), sqlx::Error> {
                Ok((
                    StoredFields {
                        seq: row.try_get(0)?,
                        at: row.try_get(1)?,
                        user: row.try_get(2)?,
                        username: row.try_get(3)?,
                        employer: row.try_get(4)?,
                        role: row.try_get(5)?,
                        action: row.try_get(6)?,
                        child: row.try_get(7)?,
                        decision: row.try_get(8)?,
                        reason: row.try_get(9)?,
                        request_id: row.try_get(10)?,
                        client: row.try_get(11)?,
                    },
                    row.try_get(12)?,
                    row.try_get(13)?,
                ))
            })();
            let step = match read {
                Ok((fields, prev_hash, hash)) => check.next(&fields, prev_hash, hash),
                Err(e) => Err(check.unreadable(&e.to_string())),
            };
            if let Err(b) = step {
                broken = Some(b);
                break;
            }
        }
        drop(rows);
        tx.commit().await?;
        Ok(check.finish(broken, head_seq, &head_hash))
    }

    /// Audit entries about one child, newest first, optionally only one person's.
    pub async fn audit_of_child(
        &self,
        child: ChildId,
        user: Option<UserId>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let all = format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE child_id = $1 ORDER BY seq DESC LIMIT $2"
        );
        let one = format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE child_id = $1 AND user_id = $2 \
             ORDER BY seq DESC LIMIT $3"
        );
        let rows = match user {
            None => sqlx::query(&all).bind(child.0).bind(limit),
            Some(user) => sqlx::query(&one).bind(child.0).bind(user.0).bind(limit),
        }
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Audit entries of one person's actions on children's records, newest first.
    pub async fn audit_of_user(
        &self,
        user: UserId,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE user_id = $1 ORDER BY seq DESC LIMIT $2"
        ))
        .bind(user.0)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Appends one entry in a transaction of its own (for actions outside a record
    /// transaction, e.g. signing in).
    pub async fn append_audit(&self, entry: &NewAuditEntry) -> Result<AuditEntry, StoreError> {
        let mut tx = self.begin_write().await?;
        let stored = append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(stored)
    }
}
