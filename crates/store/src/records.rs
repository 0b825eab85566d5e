//! Reading and writing children's records, only ever inside a [`RecordTx`]: the
//! transaction in which the policy's facts are loaded, the decision is made, the audit
//! entry is appended and the record is read or written. Every method that touches a
//! child's record takes the [`ChildAccess`] or [`SearchScope`] the policy handed out,
//! so a read nobody checked does not compile.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Any, Row, Transaction};

use carebridge_domain::child::{Child, Involvement, InvolvementKind};
use carebridge_domain::identifiers::{NhsNumber, Postcode};
use carebridge_domain::person::{NewChild, PersonDetails, PersonName};
use carebridge_domain::search::{pair_keys, rank_name, word_keys, MatchTier, SearchQuery};
use carebridge_domain::staff::Team;
use carebridge_domain::{ChildId, ServiceId, StaffId, TeamId, UserId};
use carebridge_policy::{
    ChildAccess, ChildAction, ChildFacts, GrantKind, Grounds, Reach, Registration, Restriction,
    SearchScope, TimeLimitedGrant, Workplace,
};

use crate::audit::{append, append_all, AuditEntry, NewAuditEntry};
use crate::children::{child, involvement};
use crate::demo_load::Cell;
use crate::person::{
    child_cells, insert_person_rows, person_name, KeysTo, PersonRecord, CHILD_INSERT_COLUMNS,
};
use crate::provision::{provision_period, PROVISION_COLUMNS};
use crate::rows::{date_text, instant, instant_text};
use crate::staff::{employment, post, staff_member, team};
use crate::writing::Writing;
use crate::{Store, StoreError};

/// A transaction over children's records. Dropped without [`RecordTx::commit`], it
/// rolls back, audit entries included.
///
/// One begun by [`Store::begin_reading`] only reads: a snapshot in which the access is
/// decided and the record read, whose audit entry [`RecordTx::finish`] commits in a
/// short write transaction of its own once the snapshot has ended, before anything read
/// is handed back. See `docs/ARCHITECTURE.md` ("Reads and their audit entries") for why.
#[derive(Debug)]
pub struct RecordTx {
    pub(crate) tx: Writing<Transaction<'static, Any>>,
    /// The child and their work as `child_facts` read them in this transaction, handed
    /// out only by `read_child` (with a capability), so opening a record reads it once.
    pub(crate) loaded: Option<(Child, Vec<Involvement>)>,
    /// For a transaction that only reads: the store its audit entry is appended to.
    reads_only: Option<Store>,
}

/// A child as a list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildListing {
    /// The child.
    pub child: Child,
    /// Whether the record is restricted (shown only to people named on it).
    pub restricted: bool,
    /// NHS number, when recorded.
    pub nhs_number: Option<NhsNumber>,
    /// Postcode of the latest address, when recorded.
    pub postcode: Option<Postcode>,
    /// Whether the child is not yet born (the date of birth is expected).
    pub unborn: bool,
    /// The previous name or alias the search matched, when not the current name.
    pub matched_name: Option<PersonName>,
    /// How well the search matched (None when listing everyone).
    pub tier: Option<MatchTier>,
}

/// A break-glass opening awaiting or after review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakGlassRecord {
    /// Its id.
    pub id: i64,
    /// Who.
    pub user: UserId,
    /// Their sign-in name.
    pub username: String,
    /// Whose record.
    pub child: ChildId,
    /// Why, in their words.
    pub justification: String,
    /// When.
    pub opened_at: DateTime<Utc>,
    /// Until when.
    pub expires_at: DateTime<Utc>,
    /// The review: accepted or escalated, with the note, by whom, when.
    pub review: Option<(String, String, UserId, DateTime<Utc>)>,
}

/// A restricted record, as the information governance list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictionRecord {
    /// The child.
    pub child: ChildId,
    /// Why.
    pub reason: String,
    /// Who restricted it, when.
    pub restricted_by: UserId,
    /// When.
    pub restricted_at: DateTime<Utc>,
    /// The accounts named on it.
    pub named: Vec<UserId>,
}

impl Store {
    /// Begins a transaction over children's records.
    pub async fn begin_records(&self) -> Result<RecordTx, StoreError> {
        Ok(RecordTx {
            tx: self.begin_write().await?,
            loaded: None,
            reads_only: None,
        })
    }

    /// Begins a transaction over children's records that only reads: one consistent
    /// snapshot (SQLite's deferred transaction; PostgreSQL's repeatable read, read
    /// only), which takes no write lock, so records are read side by side.
    pub async fn begin_reading(&self) -> Result<RecordTx, StoreError> {
        Ok(RecordTx {
            tx: self.begin_snapshot().await?,
            loaded: None,
            reads_only: Some(self.clone()),
        })
    }

    /// Unreviewed break-glass openings first (oldest first), then reviewed ones (newest
    /// first), up to `limit`.
    pub async fn break_glass_queue(&self, limit: i64) -> Result<Vec<BreakGlassRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT b.id, b.user_id, u.username, b.child_id, b.justification, b.opened_at, b.expires_at, \
             b.review, b.review_note, b.reviewed_by, b.reviewed_at \
             FROM break_glass b JOIN users u ON u.id = b.user_id \
             ORDER BY CASE WHEN b.review IS NULL THEN 0 ELSE 1 END, \
             CASE WHEN b.review IS NULL THEN b.opened_at END, b.opened_at DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let review: Option<String> = row.try_get("review")?;
                let review = match review {
                    None => None,
                    Some(outcome) => Some((
                        outcome,
                        row.try_get::<Option<String>, _>("review_note")?
                            .unwrap_or_default(),
                        UserId(row.try_get::<Option<i64>, _>("reviewed_by")?.unwrap_or(0)),
                        instant(row, "reviewed_at")?,
                    )),
                };
                Ok(BreakGlassRecord {
                    id: row.try_get("id")?,
                    user: UserId(row.try_get("user_id")?),
                    username: row.try_get("username")?,
                    child: ChildId(row.try_get("child_id")?),
                    justification: row.try_get("justification")?,
                    opened_at: instant(row, "opened_at")?,
                    expires_at: instant(row, "expires_at")?,
                    review,
                })
            })
            .collect()
    }

    /// Every restricted record.
    pub async fn restrictions(&self) -> Result<Vec<RestrictionRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT child_id, reason, restricted_by, restricted_at FROM record_restrictions ORDER BY restricted_at DESC",
        )
        .fetch_all(self.pool())
        .await?;
        let named = sqlx::query("SELECT child_id, user_id FROM restriction_named ORDER BY user_id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                let child: i64 = row.try_get("child_id")?;
                let mut people = Vec::new();
                for n in &named {
                    if n.try_get::<i64, _>("child_id")? == child {
                        people.push(UserId(n.try_get("user_id")?));
                    }
                }
                Ok(RestrictionRecord {
                    child: ChildId(child),
                    reason: row.try_get("reason")?,
                    restricted_by: UserId(row.try_get("restricted_by")?),
                    restricted_at: instant(row, "restricted_at")?,
                    named: people,
                })
            })
            .collect()
    }
}

impl RecordTx {
    /// The transaction's connection, for the other modules' queries.
    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Commits everything done in the transaction, audit entries included.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Appends an audit entry in this transaction (one that writes).
    pub async fn audit(&mut self, entry: &NewAuditEntry) -> Result<AuditEntry, StoreError> {
        if self.reads_only.is_some() {
            return Err(StoreError::Refused(
                "a transaction that only reads appends its audit entry when it finishes",
            ));
        }
        append(&mut self.tx, entry).await
    }

    /// Appends the action's audit entry and ends the transaction: both or neither for a
    /// transaction that writes. For one that only reads, the snapshot ends first and the
    /// entry is committed after it, in a write transaction of its own; the caller hands
    /// back what was read only when this succeeds, so nothing is shown unaudited.
    pub async fn finish(self, entry: &NewAuditEntry) -> Result<AuditEntry, StoreError> {
        self.finish_all(std::slice::from_ref(entry))
            .await?
            .pop()
            .ok_or(StoreError::Refused("an audit entry was not appended"))
    }

    /// [`RecordTx::finish`] with any number of entries (a search audits each result
    /// shown), appended in order; with none, the transaction just ends.
    pub async fn finish_all(
        mut self,
        entries: &[NewAuditEntry],
    ) -> Result<Vec<AuditEntry>, StoreError> {
        match self.reads_only.take() {
            None => {
                let stored = append_all(&mut self.tx, entries).await?;
                self.tx.commit().await?;
                Ok(stored)
            }
            Some(store) => {
                self.tx.commit().await?;
                store.append_audits(entries).await
            }
        }
    }

    /// The staff member's employments on `day`, with their posts and those posts' teams.
    pub async fn workplace(
        &mut self,
        staff: Option<StaffId>,
        day: NaiveDate,
    ) -> Result<Workplace, StoreError> {
        let Some(staff) = staff else {
            return Ok(Workplace::default());
        };
        let day = date_text(day);
        let rows = sqlx::query(
            "SELECT e.id AS employment_id, e.staff_id, e.employer_id, e.post_id, e.starts_on, e.ends_on, \
             e.continuous_since, p.id, p.code, p.title, p.grade, p.fte_hundredths, p.team_id, p.role, \
             t.service_id AS team_service, t.name AS team_name \
             FROM employments e JOIN posts p ON p.id = e.post_id JOIN teams t ON t.id = p.team_id \
             WHERE e.staff_id = $1 AND e.starts_on <= $2 AND (e.ends_on IS NULL OR e.ends_on >= $2)",
        )
        .bind(staff.0)
        .bind(&day)
        .fetch_all(&mut *self.tx)
        .await?;
        let mut w = Workplace::default();
        for row in &rows {
            w.employments.push(employment(row)?);
            let p = post(row)?;
            if !w.teams.iter().any(|t| t.id == p.team) {
                w.teams.push(Team {
                    id: TeamId(row.try_get("team_id")?),
                    service: ServiceId(row.try_get("team_service")?),
                    name: row.try_get("team_name")?,
                });
            }
            w.posts.push(p);
        }
        Ok(w)
    }

    /// The provision of every service on `day`.
    pub async fn provision_on(
        &mut self,
        day: NaiveDate,
    ) -> Result<Vec<carebridge_domain::provision::ProvisionPeriod>, StoreError> {
        let day = date_text(day);
        let rows = sqlx::query(&format!(
            "SELECT {PROVISION_COLUMNS} FROM provision_periods \
             WHERE starts_on <= $1 AND (ends_on IS NULL OR ends_on >= $1) ORDER BY service_id"
        ))
        .bind(&day)
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter().map(provision_period).collect()
    }

    /// The account's inspection and partner grants that have not ended by `at`.
    pub async fn grants_of(
        &mut self,
        user: UserId,
        at: DateTime<Utc>,
    ) -> Result<Vec<TimeLimitedGrant>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, child_id, starts_at, ends_at FROM access_grants WHERE user_id = $1 AND ends_at > $2",
        )
        .bind(user.0)
        .bind(instant_text(at))
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter()
            .map(|row| {
                let kind: String = row.try_get("kind")?;
                Ok(TimeLimitedGrant {
                    kind: match kind.as_str() {
                        "inspection" => GrantKind::Inspection,
                        "partner" => GrantKind::Partner,
                        other => {
                            return Err(StoreError::Corrupt {
                                what: "access grant kind",
                                problem: format!("{other:?}"),
                            })
                        }
                    },
                    child: row.try_get::<Option<i64>, _>("child_id")?.map(ChildId),
                    starts_at: instant(row, "starts_at")?,
                    ends_at: instant(row, "ends_at")?,
                })
            })
            .collect()
    }

    /// What the policy needs to decide on `child` for `user` (whose staff record is
    /// `staff`) at `at`; `None` when there is no such child.
    pub async fn child_facts(
        &mut self,
        user: UserId,
        staff: Option<StaffId>,
        child_id: ChildId,
        at: DateTime<Utc>,
    ) -> Result<Option<ChildFacts>, StoreError> {
        // Four round trips: the child with its work; provision on the day; the
        // person's workplace; and restriction, names, break-glass and grants together.
        let Some((person, involvements)) = self.child_with_work(child_id).await? else {
            return Ok(None);
        };
        self.loaded = Some((person, involvements.clone()));
        let day = at.date_naive();
        let provision = self.provision_on(day).await?;
        let workplace = self.workplace(staff, day).await?;
        let rows = sqlx::query(
            "SELECT 'restriction' AS kind, reason AS text, CAST(NULL AS BIGINT) AS n, \
                    CAST(NULL AS TEXT) AS t1, CAST(NULL AS TEXT) AS t2 \
               FROM record_restrictions WHERE child_id = $1 \
             UNION ALL SELECT 'named', CAST(NULL AS TEXT), user_id, CAST(NULL AS TEXT), CAST(NULL AS TEXT) \
               FROM restriction_named WHERE child_id = $1 \
             UNION ALL SELECT 'glass', CAST(NULL AS TEXT), CAST(NULL AS BIGINT), expires_at, CAST(NULL AS TEXT) \
               FROM break_glass WHERE user_id = $2 AND child_id = $1 AND expires_at > $3 \
             UNION ALL SELECT kind, CAST(NULL AS TEXT), child_id, starts_at, ends_at \
               FROM access_grants WHERE user_id = $2 AND ends_at > $3",
        )
        .bind(child_id.0)
        .bind(user.0)
        .bind(instant_text(at))
        .fetch_all(&mut *self.tx)
        .await?;
        let mut reason = None;
        let mut named = Vec::new();
        let mut break_glass_until: Option<DateTime<Utc>> = None;
        let mut grants = Vec::new();
        for row in &rows {
            let kind: String = row.try_get("kind")?;
            match kind.as_str() {
                "restriction" => reason = row.try_get::<Option<String>, _>("text")?,
                "named" => named.extend(row.try_get::<Option<i64>, _>("n")?.map(UserId)),
                "glass" => {
                    let until = instant(row, "t1")?;
                    break_glass_until = Some(break_glass_until.map_or(until, |u| u.max(until)));
                }
                "inspection" | "partner" => grants.push(TimeLimitedGrant {
                    kind: if kind == "inspection" {
                        GrantKind::Inspection
                    } else {
                        GrantKind::Partner
                    },
                    child: row.try_get::<Option<i64>, _>("n")?.map(ChildId),
                    starts_at: instant(row, "t1")?,
                    ends_at: instant(row, "t2")?,
                }),
                other => {
                    return Err(StoreError::Corrupt {
                        what: "access grant kind",
                        problem: format!("{other:?}"),
                    })
                }
            }
        }
        named.sort();
        Ok(Some(ChildFacts {
            child: child_id,
            involvements,
            provision,
            workplace,
            restriction: reason.map(|reason| Restriction { reason, named }),
            break_glass_until,
            grants,
        }))
    }

    /// The child and their involvements (earliest first) in one query; `None` when
    /// there is no such child.
    async fn child_with_work(
        &mut self,
        child_id: ChildId,
    ) -> Result<Option<(Child, Vec<Involvement>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.id AS cid, c.given_name, c.family_name, c.sex, c.date_of_birth, \
             i.id, i.child_id, i.service_id, i.team_id, i.kind, i.starts_on, i.ends_on \
             FROM children c LEFT JOIN involvements i ON i.child_id = c.id \
             WHERE c.id = $1 ORDER BY i.starts_on, i.id",
        )
        .bind(child_id.0)
        .fetch_all(&mut *self.tx)
        .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let sex: String = first.try_get("sex")?;
        let person = Child {
            id: ChildId(first.try_get("cid")?),
            given_name: first.try_get("given_name")?,
            family_name: first.try_get("family_name")?,
            sex: carebridge_domain::child::Sex::parse(&sex)
                .map_err(crate::rows::corrupt("child's sex"))?,
            date_of_birth: crate::rows::date(first, "date_of_birth")?,
        };
        let mut work = Vec::with_capacity(rows.len());
        for row in &rows {
            if row.try_get::<Option<i64>, _>("id")?.is_some() {
                work.push(involvement(row)?);
            }
        }
        Ok(Some((person, work)))
    }

    /// Reads the child's record: the person and every piece of work.
    pub async fn read_child(
        &mut self,
        access: &ChildAccess,
    ) -> Result<(Child, Vec<Involvement>), StoreError> {
        if !access.may_read() {
            return Err(StoreError::Refused(
                "this access does not allow reading the record",
            ));
        }
        if let Some(loaded) = self
            .loaded
            .take()
            .filter(|(child, _)| child.id == access.child())
        {
            return Ok(loaded);
        }
        self.child_with_work(access.child())
            .await?
            .ok_or(StoreError::Refused("the record no longer exists"))
    }

    /// Records a break-glass opening with its justification; returns its id.
    pub async fn open_break_glass(
        &mut self,
        access: &ChildAccess,
        justification: &str,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let (ChildAction::BreakGlass, Grounds::BreakGlass { until }) =
            (access.action(), access.grounds())
        else {
            return Err(StoreError::Refused(
                "this access is not a break-glass opening",
            ));
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO break_glass (user_id, child_id, justification, opened_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(access.subject().0)
        .bind(access.child().0)
        .bind(justification)
        .bind(instant_text(at))
        .bind(instant_text(*until))
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(id)
    }

    /// Restricts the record to the named accounts (replacing any earlier restriction).
    pub async fn restrict(
        &mut self,
        access: &ChildAccess,
        reason: &str,
        named: &[UserId],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if access.action() != ChildAction::Restrict {
            return Err(StoreError::Refused(
                "this access does not allow restricting the record",
            ));
        }
        let child = access.child().0;
        sqlx::query("DELETE FROM record_restrictions WHERE child_id = $1")
            .bind(child)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query(
            "INSERT INTO record_restrictions (child_id, reason, restricted_by, restricted_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(child)
        .bind(reason)
        .bind(access.subject().0)
        .bind(instant_text(at))
        .execute(&mut *self.tx)
        .await?;
        for user in named {
            sqlx::query("INSERT INTO restriction_named (child_id, user_id) VALUES ($1, $2)")
                .bind(child)
                .bind(user.0)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// Lifts the record's restriction; returns whether there was one.
    pub async fn lift_restriction(&mut self, access: &ChildAccess) -> Result<bool, StoreError> {
        if access.action() != ChildAction::Restrict {
            return Err(StoreError::Refused(
                "this access does not allow lifting a restriction",
            ));
        }
        sqlx::query("DELETE FROM restriction_named WHERE child_id = $1")
            .bind(access.child().0)
            .execute(&mut *self.tx)
            .await?;
        let done = sqlx::query("DELETE FROM record_restrictions WHERE child_id = $1")
            .bind(access.child().0)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The audit entries about the record, newest first (information governance).
    pub async fn access_log(
        &mut self,
        access: &ChildAccess,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        if !access.may_read_access_log() {
            return Err(StoreError::Refused(
                "this access does not show the access log",
            ));
        }
        let rows = sqlx::query(&format!(
            "SELECT {} FROM audit_log WHERE child_id = $1 ORDER BY seq DESC LIMIT $2",
            crate::audit::ENTRY_COLUMNS
        ))
        .bind(access.child().0)
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter().map(crate::audit::entry_from_row).collect()
    }

    /// Records the information governance lead's review of a break-glass opening;
    /// returns false when there is no such opening or it was already reviewed.
    pub async fn review_break_glass(
        &mut self,
        id: i64,
        outcome: &str,
        note: &str,
        reviewer: UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<ChildId>, StoreError> {
        let child: Option<i64> = sqlx::query_scalar(
            "UPDATE break_glass SET review = $1, review_note = $2, reviewed_by = $3, reviewed_at = $4 \
             WHERE id = $5 AND review IS NULL RETURNING child_id",
        )
        .bind(outcome)
        .bind(note)
        .bind(reviewer.0)
        .bind(instant_text(at))
        .bind(id)
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(child.map(ChildId))
    }

    /// The children a list or search shows: those within `scope` (worked out in the
    /// query, never filtered afterwards) that match `query`, best first, at most
    /// `limit`. Restricted records appear only to the people named on them.
    ///
    /// The query is read by [`SearchQuery::parse`]: nothing lists everyone in scope by
    /// family name; an identifier (Carebridge id, NHS number, UPN, postcode) finds by
    /// its key; words (and a date of birth) find names, current, previous and aliases,
    /// through the key table in three tiers (exact, phonetic, fuzzy), stopping once a
    /// tier has found `limit` (one word: once any tier finds anyone; several: the fuzzy
    /// tier only when the others found less than half of `limit`), then ranked by
    /// `carebridge_domain::search::rank_name`.
    pub async fn search_children(
        &mut self,
        scope: &SearchScope,
        query: &str,
        day: NaiveDate,
        limit: i64,
    ) -> Result<Vec<ChildListing>, StoreError> {
        let limit_n = usize::try_from(limit).unwrap_or(0);
        match SearchQuery::parse(query) {
            SearchQuery::Everyone => {
                let ids = self
                    .scoped_ids(scope, day, limit, |_| {
                        (
                            "FROM children c".to_owned(),
                            String::new(),
                            "c.family_name, c.given_name, c.id".to_owned(),
                        )
                    })
                    .await?;
                let found = self.listings(&ids).await?;
                Ok(ids
                    .iter()
                    .filter_map(|(id, _)| found.iter().find(|l| l.child.id.0 == *id).cloned())
                    .map(|l| ChildListing { tier: None, ..l })
                    .collect())
            }
            SearchQuery::Identifier { id, keys } => {
                let ids = self
                    .scoped_ids(scope, day, limit, |p| {
                        let id = p.int(id.unwrap_or(-1));
                        let keys = if keys.is_empty() {
                            String::new()
                        } else {
                            let list = p.texts(&keys);
                            format!(" OR c.id IN (SELECT k.child_id FROM person_search_keys k WHERE k.key IN ({list}))")
                        };
                        ("FROM children c".to_owned(), format!("(c.id = {id}{keys})"), "c.id".to_owned())
                    })
                    .await?;
                let mut found = self.listings(&ids).await?;
                found.sort_by_key(|l| l.child.id);
                Ok(found)
            }
            SearchQuery::Name { words, born } => {
                if words.is_empty() {
                    let Some(born) = born else {
                        return Ok(Vec::new());
                    };
                    let ids = self
                        .scoped_ids(scope, day, limit, |p| {
                            let born = p.text(&date_text(born));
                            (
                                "FROM children c".to_owned(),
                                format!("c.date_of_birth = {born}"),
                                "c.family_name, c.given_name, c.id".to_owned(),
                            )
                        })
                        .await?;
                    let found = self.listings(&ids).await?;
                    return Ok(ids
                        .iter()
                        .filter_map(|(id, _)| found.iter().find(|l| l.child.id.0 == *id).cloned())
                        .collect());
                }
                let mut candidates: Vec<(i64, i64)> = Vec::new();
                for tier in [MatchTier::Exact, MatchTier::Phonetic, MatchTier::Fuzzy] {
                    // The fuzzy keys find more than rank; look further for them.
                    let tier_limit = if tier == MatchTier::Fuzzy {
                        limit * 4
                    } else {
                        limit
                    };
                    let found = self
                        .scoped_ids(scope, day, tier_limit, |p| {
                            name_tier_sql(p, &words, born, tier)
                        })
                        .await?;
                    for c in found {
                        if !candidates.contains(&c) {
                            candidates.push(c);
                        }
                    }
                    let children: std::collections::BTreeSet<i64> =
                        candidates.iter().map(|(c, _)| *c).collect();
                    // One word (a family name, say) matches widely: what it spells
                    // exactly is the answer when there is any; looser tiers are for
                    // when there is none (a misspelling).
                    if children.len() >= limit_n || (words.len() == 1 && !children.is_empty()) {
                        break;
                    }
                    // Several words spelt or sounding right for half a page: the fuzzy
                    // tier (a shared three-letter start) would only add near-misses that
                    // rank below every one of them, at the cost of the widest lookup.
                    if tier == MatchTier::Phonetic && children.len() * 2 >= limit_n {
                        break;
                    }
                }
                self.ranked(&candidates, &words, limit_n).await
            }
        }
    }

    /// Runs one scoped candidate query: `build` gives the FROM clause (with `c` the
    /// child), an extra condition and the order, binding its own values; the policy's
    /// scope is added to the WHERE. Returns (child, name number) pairs.
    async fn scoped_ids(
        &mut self,
        scope: &SearchScope,
        day: NaiveDate,
        limit: i64,
        build: impl FnOnce(&mut Params) -> (String, String, String),
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        let mut p = Params::default();
        let day = p.text(&date_text(day));
        let visible = visible_to(&mut p, scope, &day);
        let (from, condition, order) = build(&mut p);
        let limit = p.int(limit);
        let name_no = if from.contains(" k0") {
            "k0.name_no"
        } else {
            "0"
        };
        let condition = if condition.is_empty() {
            String::new()
        } else {
            format!("{condition} AND ")
        };
        let distinct = if from.contains(" k0") {
            "DISTINCT "
        } else {
            ""
        };
        let sql = format!(
            "SELECT {distinct}c.id AS child_id, {name_no} AS name_no, {order_cols} {from} \
             LEFT JOIN record_restrictions r ON r.child_id = c.id \
             WHERE {condition}{visible} \
             ORDER BY {order} LIMIT {limit}",
            order_cols = order_columns(&order),
        );
        let rows = p.bind(sqlx::query(&sql)).fetch_all(&mut *self.tx).await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get::<i64, _>("child_id")?,
                    row.try_get::<i64, _>("name_no")?,
                ))
            })
            .collect()
    }

    /// The listings of the children `ids` (any order), with NHS number, latest
    /// postcode and restriction; names are matched later.
    async fn listings(&mut self, ids: &[(i64, i64)]) -> Result<Vec<ChildListing>, StoreError> {
        let unique = unique_children(ids);
        if unique.is_empty() {
            return Ok(Vec::new());
        }
        let mut p = Params::default();
        let list = p.ints(unique.iter().copied());
        let sql = format!(
            "SELECT c.id, c.given_name, c.family_name, c.sex, c.date_of_birth, c.nhs_number, \
             c.expected_date_of_birth, (r.child_id IS NOT NULL) AS restricted, \
             (SELECT a.postcode FROM person_addresses a WHERE a.child_id = c.id \
              ORDER BY a.lived_from DESC, a.id DESC LIMIT 1) AS postcode \
             FROM children c LEFT JOIN record_restrictions r ON r.child_id = c.id \
             WHERE c.id IN ({list}) ORDER BY c.id"
        );
        let rows = p.bind(sqlx::query(&sql)).fetch_all(&mut *self.tx).await?;
        rows.iter()
            .map(|row| {
                let restricted: bool = match row.try_get::<bool, _>("restricted") {
                    Ok(b) => b,
                    Err(_) => row.try_get::<i64, _>("restricted")? != 0,
                };
                let nhs: Option<String> = row.try_get("nhs_number")?;
                let postcode: Option<String> = row.try_get("postcode")?;
                Ok(ChildListing {
                    child: child(row)?,
                    restricted,
                    nhs_number: nhs
                        .map(|n| NhsNumber::parse(&n))
                        .transpose()
                        .map_err(crate::rows::corrupt("NHS number"))?,
                    postcode: postcode
                        .map(|n| Postcode::parse(&n))
                        .transpose()
                        .map_err(crate::rows::corrupt("postcode"))?,
                    unborn: crate::rows::opt_date(row, "expected_date_of_birth")?.is_some(),
                    matched_name: None,
                    tier: Some(MatchTier::Exact),
                })
            })
            .collect()
    }

    /// Ranks name candidates (child, name number): each child once, by its best
    /// name; exact before phonetic before fuzzy, then by similarity.
    async fn ranked(
        &mut self,
        candidates: &[(i64, i64)],
        words: &[String],
        limit: usize,
    ) -> Result<Vec<ChildListing>, StoreError> {
        let unique = unique_children(candidates);
        if unique.is_empty() {
            return Ok(Vec::new());
        }
        // Ranking needs only names: the candidates' own, then their other names. The
        // listings (with postcode and restriction) are read for the page's worth that
        // rank highest, not for every candidate the looser tiers brought in.
        let mut p = Params::default();
        let list = p.ints(unique.iter().copied());
        let sql = format!(
            "SELECT id, given_name, family_name FROM children WHERE id IN ({list}) ORDER BY id"
        );
        let mut current: Vec<(i64, String, String)> = Vec::with_capacity(unique.len());
        for row in p.bind(sqlx::query(&sql)).fetch_all(&mut *self.tx).await? {
            current.push((
                row.try_get("id")?,
                row.try_get("given_name")?,
                row.try_get("family_name")?,
            ));
        }
        let others: Vec<i64> = candidates
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(c, _)| *c)
            .collect();
        let mut names: Vec<(i64, i64, PersonName)> = Vec::new();
        if !others.is_empty() {
            let mut p = Params::default();
            let list = p.ints(others.iter().copied());
            let sql = format!(
                "SELECT child_id, name_no, kind, given_name, family_name, used_from, used_to \
                 FROM person_names WHERE child_id IN ({list}) ORDER BY child_id, name_no"
            );
            for row in p.bind(sqlx::query(&sql)).fetch_all(&mut *self.tx).await? {
                names.push((
                    row.try_get("child_id")?,
                    row.try_get("name_no")?,
                    person_name(&row)?,
                ));
            }
        }
        type Scored = (MatchTier, f64, (String, String, i64), Option<PersonName>);
        let mut scored: Vec<Scored> = Vec::new();
        for (id, current_given, current_family) in current {
            let mut best: Option<(MatchTier, f64, Option<PersonName>)> = None;
            for (_, no) in candidates.iter().filter(|(c, _)| *c == id) {
                let name = if *no == 0 {
                    None
                } else {
                    names
                        .iter()
                        .find(|(c, n, _)| *c == id && n == no)
                        .map(|(_, _, name)| name.clone())
                };
                let (given, family) = match &name {
                    Some(n) => (n.given_name.as_str(), n.family_name.as_str()),
                    None => (current_given.as_str(), current_family.as_str()),
                };
                if let Some((tier, score)) = rank_name(words, given, family) {
                    if best
                        .as_ref()
                        .is_none_or(|(t, s, _)| (tier, -score) < (*t, -*s))
                    {
                        best = Some((tier, score, name));
                    }
                }
            }
            if let Some((tier, score, name)) = best {
                scored.push((tier, score, (current_family, current_given, id), name));
            }
        }
        scored.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.total_cmp(&a.1))
                .then_with(|| a.2.cmp(&b.2))
        });
        scored.truncate(limit);
        let top: Vec<(i64, i64)> = scored
            .iter()
            .map(|(_, _, (_, _, id), _)| (*id, 0))
            .collect();
        let mut listings = self.listings(&top).await?;
        Ok(scored
            .into_iter()
            .filter_map(|(tier, _, (_, _, id), name)| {
                let at = listings.iter().position(|l| l.child.id.0 == id)?;
                Some(ChildListing {
                    tier: Some(tier),
                    matched_name: name,
                    ..listings.swap_remove(at)
                })
            })
            .collect())
    }

    /// The person's details of the child the capability is for (the record page).
    pub async fn read_person(&mut self, access: &ChildAccess) -> Result<PersonDetails, StoreError> {
        if !access.may_read() {
            return Err(StoreError::Refused(
                "this access does not allow reading the record",
            ));
        }
        crate::person::read_person(&mut self.tx, access.child())
            .await?
            .ok_or(StoreError::Refused("the record no longer exists"))
    }

    /// The child and their person's details, for correcting them (a recording access).
    pub async fn person_for_edit(
        &mut self,
        access: &ChildAccess,
    ) -> Result<(Child, PersonDetails), StoreError> {
        if !access.may_write() {
            return Err(StoreError::Refused(
                "this access does not allow changing the record",
            ));
        }
        let row = sqlx::query(
            "SELECT id, given_name, family_name, sex, date_of_birth FROM children WHERE id = $1",
        )
        .bind(access.child().0)
        .fetch_optional(&mut *self.tx)
        .await?
        .ok_or(StoreError::Refused("the record no longer exists"))?;
        let child = crate::children::child(&row)?;
        let details = crate::person::read_person(&mut self.tx, access.child())
            .await?
            .ok_or(StoreError::Refused("the record no longer exists"))?;
        Ok((child, details))
    }

    /// Replaces the person's details of the child a recording access is for: the
    /// child's columns, other names, addresses and search keys, in this transaction
    /// (the caller worked the new details out from the old ones).
    pub async fn replace_person(
        &mut self,
        access: &ChildAccess,
        child: &Child,
        details: &PersonDetails,
    ) -> Result<(), StoreError> {
        if !access.may_write() || child.id != access.child() {
            return Err(StoreError::Refused(
                "this access does not allow changing the record",
            ));
        }
        let mut p = Params::default();
        let mut sets = Vec::new();
        for (column, cell) in CHILD_INSERT_COLUMNS
            .iter()
            .zip(child_cells(child, Some(details)))
            .skip(1)
        {
            let value = match cell {
                Cell::Int(v) => p.int(v),
                Cell::OptInt(v) => p.opt_int(v),
                Cell::Text(v) => p.opt_text(Some(v)),
                Cell::OptText(v) => p.opt_text(v),
            };
            sets.push(format!("{column} = {value}"));
        }
        let id = p.int(child.id.0);
        let sql = format!("UPDATE children SET {} WHERE id = {id}", sets.join(", "));
        p.bind(sqlx::query(&sql)).execute(&mut *self.tx).await?;
        for table in ["person_names", "person_addresses", "person_search_keys"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE child_id = $1"))
                .bind(child.id.0)
                .execute(&mut *self.tx)
                .await?;
        }
        insert_person_rows(
            &mut self.tx,
            &[PersonRecord {
                child: child.id,
                given_name: child.given_name.clone(),
                family_name: child.family_name.clone(),
                details: details.clone(),
            }],
            KeysTo::Index,
        )
        .await?;
        self.loaded = None;
        Ok(())
    }

    /// Registers a new child with their person's details and opens their first piece
    /// of work (`kind`, with `service` and `team`, from `day`), so that the person who
    /// registered them has the record in scope. Returns the new child's id.
    pub async fn register_child(
        &mut self,
        _registration: &Registration,
        child: &NewChild,
        work: (ServiceId, TeamId, InvolvementKind),
        day: NaiveDate,
    ) -> Result<ChildId, StoreError> {
        let id = insert_child(&mut self.tx, child).await?;
        let (service, team, kind) = work;
        sqlx::query(
            "INSERT INTO involvements (child_id, service_id, team_id, kind, starts_on) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.0)
        .bind(service.0)
        .bind(team.0)
        .bind(kind.code())
        .bind(date_text(day))
        .execute(&mut *self.tx)
        .await?;
        Ok(id)
    }
}

/// Inserts a new child (the database gives the id) with their names, addresses and
/// search keys, in the caller's transaction.
pub(crate) async fn insert_child(
    tx: &mut sqlx::AnyConnection,
    child: &NewChild,
) -> Result<ChildId, StoreError> {
    let placeholder = Child {
        id: ChildId(0),
        given_name: child.given_name.clone(),
        family_name: child.family_name.clone(),
        sex: child.sex,
        date_of_birth: child.date_of_birth,
    };
    // Every column but the id, which the database assigns.
    let columns = &CHILD_INSERT_COLUMNS[1..];
    let cells = child_cells(&placeholder, Some(&child.details));
    let mut p = Params::default();
    let mut values = Vec::new();
    for cell in cells.into_iter().skip(1) {
        values.push(match cell {
            Cell::Int(v) => p.int(v),
            Cell::OptInt(v) => p.opt_int(v),
            Cell::Text(v) => p.opt_text(Some(v)),
            Cell::OptText(v) => p.opt_text(v),
        });
    }
    let sql = format!(
        "INSERT INTO children ({}) VALUES ({}) RETURNING id",
        columns.join(", "),
        values.join(", ")
    );
    let id: i64 = p
        .bind_scalar(sqlx::query_scalar(&sql))
        .fetch_one(&mut *tx)
        .await?;
    let id = ChildId(id);
    insert_person_rows(
        tx,
        &[PersonRecord {
            child: id,
            given_name: child.given_name.clone(),
            family_name: child.family_name.clone(),
            details: child.details.clone(),
        }],
        KeysTo::Index,
    )
    .await?;
    Ok(id)
}

/// The ORDER BY expressions as extra select columns (PostgreSQL wants the columns of
/// a DISTINCT query's order among those selected).
fn order_columns(order: &str) -> String {
    order
        .split(", ")
        .enumerate()
        .map(|(i, col)| format!("{col} AS o{i},"))
        .collect::<String>()
        .trim_end_matches(',')
        .to_owned()
}

/// The FROM clause and condition of one tier of a name search: one key-table alias
/// per word, all on the same name of the same child, each word's keys for the tier.
/// The children of (child, name number) pairs, each once, by id.
fn unique_children(pairs: &[(i64, i64)]) -> Vec<i64> {
    let mut unique: Vec<i64> = pairs.iter().map(|(c, _)| *c).collect();
    unique.sort_unstable();
    unique.dedup();
    unique
}

fn name_tier_sql(
    p: &mut Params,
    words: &[String],
    born: Option<NaiveDate>,
    tier: MatchTier,
) -> (String, String, String) {
    let mut from = String::from("FROM person_search_keys k0");
    let mut condition = Vec::new();
    // The first key: the first two words as a pair (in either order), else one word.
    let (first, rest) = match words {
        [a, b, rest @ ..] => {
            let mut keys = pair_keys(a, b, tier);
            keys.extend(pair_keys(b, a, tier));
            keys.sort();
            keys.dedup();
            (keys, rest)
        }
        [a, rest @ ..] => (word_keys(a, tier), rest),
        [] => (Vec::new(), words),
    };
    let first = p.texts(&first);
    condition.push(format!("k0.key IN ({first})"));
    for (i, word) in rest.iter().enumerate() {
        let i = i + 1;
        let keys = p.texts(&word_keys(word, tier));
        from.push_str(&format!(
            " JOIN person_search_keys k{i} ON k{i}.child_id = k0.child_id AND k{i}.name_no = k0.name_no AND k{i}.key IN ({keys})"
        ));
    }
    from.push_str(" JOIN children c ON c.id = k0.child_id");
    if let Some(born) = born {
        let born = p.text(&date_text(born));
        condition.push(format!("c.date_of_birth = {born}"));
    }
    // In the key index's own order, so a one-key lookup stops at the limit.
    (
        from,
        condition.join(" AND "),
        "k0.child_id, k0.name_no".to_owned(),
    )
}

/// Values bound to a statement built at run time, numbered as they are added.
#[derive(Debug, Default, Clone)]
pub(crate) struct Params(Vec<Value>);

#[derive(Debug, Clone)]
enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Params {
    fn push(&mut self, v: Value) -> String {
        self.0.push(v);
        format!("${}", self.0.len())
    }

    pub(crate) fn int(&mut self, v: i64) -> String {
        self.push(Value::Int(Some(v)))
    }

    fn opt_int(&mut self, v: Option<i64>) -> String {
        self.push(Value::Int(v))
    }

    pub(crate) fn text(&mut self, v: &str) -> String {
        self.push(Value::Text(Some(v.to_owned())))
    }

    /// Binds each of `values` and returns their placeholders as an SQL list
    /// (`$3, $4, $5`) for `IN (...)`.
    pub(crate) fn ints(&mut self, values: impl IntoIterator<Item = i64>) -> String {
        values
            .into_iter()
            .map(|v| self.int(v))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// [`Params::ints`] for text values.
    pub(crate) fn texts<'v>(&mut self, values: impl IntoIterator<Item = &'v String>) -> String {
        values
            .into_iter()
            .map(|v| self.text(v))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn opt_text(&mut self, v: Option<String>) -> String {
        self.push(Value::Text(v))
    }

    pub(crate) fn bind<'q>(
        self,
        mut q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
        for v in self.0 {
            q = match v {
                Value::Int(i) => q.bind(i),
                Value::Text(t) => q.bind(t),
            };
        }
        q
    }

    fn bind_scalar<'q, O>(
        self,
        mut q: sqlx::query::QueryScalar<'q, Any, O, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryScalar<'q, Any, O, sqlx::any::AnyArguments<'q>> {
        for v in self.0 {
            q = match v {
                Value::Int(i) => q.bind(i),
                Value::Text(t) => q.bind(t),
            };
        }
        q
    }
}

/// The SQL condition (on `children c` left-joined to `record_restrictions r`) that a
/// child is visible within `scope` on the day bound at `day`: in reach and unrestricted,
/// or restricted with the subject named. Binds the subject and the scope's ids to `p`;
/// every placeholder appears in the text, so PostgreSQL can type them all.
pub(crate) fn visible_to(p: &mut Params, scope: &SearchScope, day: &str) -> String {
    let user = p.int(scope.subject().0);
    let ids: Vec<i64> = match scope.reach() {
        Reach::Services(s) => s.iter().map(|s| s.0).collect(),
        Reach::Children(c) => c.iter().map(|c| c.0).collect(),
        Reach::All => Vec::new(),
    };
    let list = p.ints(ids.iter().copied());
    let in_reach = match scope.reach() {
        Reach::All => format!("CAST({day} AS TEXT) IS NOT NULL"),
        _ if ids.is_empty() => format!("CAST({day} AS TEXT) IS NULL"),
        Reach::Services(_) => format!(
            "EXISTS (SELECT 1 FROM involvements i WHERE i.child_id = c.id AND i.service_id IN ({list}) \
             AND i.starts_on <= {day} AND (i.ends_on IS NULL OR i.ends_on >= {day}))"
        ),
        Reach::Children(_) => format!("c.id IN ({list})"),
    };
    format!(
        "((r.child_id IS NULL AND {in_reach}) \
          OR EXISTS (SELECT 1 FROM restriction_named n WHERE n.child_id = c.id AND n.user_id = {user}))"
    )
}

impl Store {
    /// Gives an account time-limited read access: an inspection (every unrestricted
    /// record) or a partner's access to one child. Returns the grant's id.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_access_grant(
        &self,
        user: UserId,
        kind: GrantKind,
        child: Option<ChildId>,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        reason: &str,
        granted_by: &str,
        granted_at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO access_grants (user_id, kind, child_id, starts_at, ends_at, reason, granted_by, granted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(user.0)
        .bind(match kind {
            GrantKind::Inspection => "inspection",
            GrantKind::Partner => "partner",
        })
        .bind(child.map(|c| c.0))
        .bind(instant_text(starts_at))
        .bind(instant_text(ends_at))
        .bind(reason)
        .bind(granted_by)
        .bind(instant_text(granted_at))
        .fetch_one(&mut *self.writer().await?)
        .await?;
        Ok(id)
    }
}

/// What answering "who could open this record on this day, and why?" reads: the child,
/// their work, provision and the workforce on the day.
#[derive(Debug, Clone)]
pub struct ExplanationFacts {
    /// The child (name and date of birth only are shown).
    pub child: Child,
    /// Their work.
    pub involvements: Vec<Involvement>,
    /// Provision of every service on the day.
    pub provision: Vec<carebridge_domain::provision::ProvisionPeriod>,
    /// Every team.
    pub teams: Vec<Team>,
    /// Every post.
    pub posts: Vec<carebridge_domain::staff::Post>,
    /// Employments live on the day.
    pub employments: Vec<carebridge_domain::staff::Employment>,
    /// The people in those employments.
    pub staff: Vec<carebridge_domain::staff::StaffMember>,
}

impl RecordTx {
    /// Reads what an access explanation for `day` needs, with the capability to ask.
    pub async fn explanation_facts(
        &mut self,
        access: &ChildAccess,
        day: NaiveDate,
    ) -> Result<ExplanationFacts, StoreError> {
        if access.action() != ChildAction::ExplainAccess {
            return Err(StoreError::Refused(
                "this access does not allow explaining who could open the record",
            ));
        }
        let (child, involvements) = self
            .child_with_work(access.child())
            .await?
            .ok_or(StoreError::Refused("the record no longer exists"))?;
        let provision = self.provision_on(day).await?;
        let day_text = date_text(day);
        let teams = sqlx::query("SELECT id, service_id, name FROM teams ORDER BY id")
            .fetch_all(&mut *self.tx)
            .await?
            .iter()
            .map(team)
            .collect::<Result<Vec<_>, StoreError>>()?;
        let posts = sqlx::query(
            "SELECT id, code, title, grade, fte_hundredths, team_id, role FROM posts ORDER BY id",
        )
        .fetch_all(&mut *self.tx)
        .await?
        .iter()
        .map(post)
        .collect::<Result<Vec<_>, StoreError>>()?;
        let employments = sqlx::query(
            "SELECT id AS employment_id, staff_id, employer_id, post_id, starts_on, ends_on, continuous_since \
             FROM employments WHERE starts_on <= $1 AND (ends_on IS NULL OR ends_on >= $1) ORDER BY staff_id",
        )
        .bind(&day_text)
        .fetch_all(&mut *self.tx)
        .await?
        .iter()
        .map(employment)
        .collect::<Result<Vec<_>, StoreError>>()?;
        let staff = sqlx::query(
            "SELECT DISTINCT s.id, s.given_name, s.family_name, s.email, s.swe_registration FROM staff s \
             JOIN employments e ON e.staff_id = s.id \
             WHERE e.starts_on <= $1 AND (e.ends_on IS NULL OR e.ends_on >= $1) ORDER BY s.id",
        )
        .bind(&day_text)
        .fetch_all(&mut *self.tx)
        .await?
        .iter()
        .map(staff_member)
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(ExplanationFacts {
            child,
            involvements,
            provision,
            teams,
            posts,
            employments,
            staff,
        })
    }
}
