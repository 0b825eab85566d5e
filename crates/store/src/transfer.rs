//! Transfer plans in SQL, their execution in one transaction, and the snapshots the
//! reconciliation report compares.
//!
//! Execution writes provision and employment rows only (see
//! `carebridge_domain::transfer`): its cost grows with staff and posts, not children.
//! The plan's status moves from draft to executed in the same transaction, guarded by
//! `WHERE status = 'draft'`, so of two executions at once exactly one wins.

use carebridge_domain::transfer::{PlanStatus, TransferMoves, TransferRequest};
use carebridge_domain::{
    ChildId, InstrumentId, OrganisationId, PostId, ServiceId, StaffId, TransferPlanId,
};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::provision::apply_edit;
use crate::rows::{corrupt, date, date_text, instant, instant_text, opt_date_text};
use crate::{Store, StoreError};

/// A stored transfer plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferPlanRecord {
    /// Its id.
    pub id: TransferPlanId,
    /// What it asks for.
    pub request: TransferRequest,
    /// Draft, executed or cancelled.
    pub status: PlanStatus,
    /// Who made it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Who executed or cancelled it, and when.
    pub decided: Option<(String, DateTime<Utc>)>,
}

/// What the reconciliation compares before and after: every child record in the moved
/// services' scope with the SHA-256 of its content, and who employed each person in a
/// moving post on the day.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ScopeSnapshot {
    /// (child, hash of the child's row and all its involvements), by child id.
    pub children: Vec<(ChildId, String)>,
    /// (person, post, employer) on the effective date, for posts of the moved services.
    pub employers: Vec<(StaffId, PostId, OrganisationId)>,
    /// (service, provider) on the effective date.
    pub providers: Vec<(ServiceId, Option<OrganisationId>)>,
}

/// `$first, $first+1, ...` for an IN list.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

const PLAN_COLUMNS: &str =
    "id, title, instrument_id, from_org, to_org, effective_from, status, created_by, created_at, decided_by, decided_at";

impl Store {
    /// Stores a draft plan.
    pub async fn create_transfer_plan(
        &self,
        authority: OrganisationId,
        request: &TransferRequest,
        created_by: &str,
        now: DateTime<Utc>,
    ) -> Result<TransferPlanId, StoreError> {
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO transfer_plans (authority_id, title, instrument_id, from_org, to_org, effective_from, \
             status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8) RETURNING id",
        )
        .bind(authority.0)
        .bind(&request.title)
        .bind(request.instrument.0)
        .bind(request.from.0)
        .bind(request.to.0)
        .bind(date_text(request.effective_from))
        .bind(created_by)
        .bind(instant_text(now))
        .fetch_one(&mut *tx)
        .await?;
        for service in &request.services {
            sqlx::query("INSERT INTO transfer_plan_services (plan_id, service_id) VALUES ($1, $2)")
                .bind(id)
                .bind(service.0)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(TransferPlanId(id))
    }

    /// Every plan, newest first.
    pub async fn transfer_plans(&self) -> Result<Vec<TransferPlanRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {PLAN_COLUMNS} FROM transfer_plans ORDER BY id DESC"
        ))
        .fetch_all(self.pool())
        .await?;
        let mut plans = Vec::with_capacity(rows.len());
        for row in &rows {
            plans.push(self.plan_from_row(row).await?);
        }
        Ok(plans)
    }

    /// One plan.
    pub async fn transfer_plan(
        &self,
        id: TransferPlanId,
    ) -> Result<Option<TransferPlanRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {PLAN_COLUMNS} FROM transfer_plans WHERE id = $1"
        ))
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(row) => Ok(Some(self.plan_from_row(&row).await?)),
            None => Ok(None),
        }
    }

    async fn plan_from_row(&self, row: &AnyRow) -> Result<TransferPlanRecord, StoreError> {
        let id: i64 = row.try_get("id")?;
        let services: Vec<i64> = sqlx::query_scalar(
            "SELECT service_id FROM transfer_plan_services WHERE plan_id = $1 ORDER BY service_id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let status: String = row.try_get("status")?;
        let decided_by: Option<String> = row.try_get("decided_by")?;
        let decided = match decided_by {
            Some(who) => Some((who, instant(row, "decided_at")?)),
            None => None,
        };
        Ok(TransferPlanRecord {
            id: TransferPlanId(id),
            request: TransferRequest {
                title: row.try_get("title")?,
                instrument: InstrumentId(row.try_get("instrument_id")?),
                services: services.into_iter().map(ServiceId).collect(),
                from: OrganisationId(row.try_get("from_org")?),
                to: OrganisationId(row.try_get("to_org")?),
                effective_from: date(row, "effective_from")?,
            },
            status: PlanStatus::parse(&status).map_err(corrupt("transfer plan status"))?,
            created_by: row.try_get("created_by")?,
            created_at: instant(row, "created_at")?,
            decided,
        })
    }

    /// Cancels a draft plan. A plan already executed or cancelled is a conflict.
    pub async fn cancel_transfer_plan(
        &self,
        id: TransferPlanId,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE transfer_plans SET status = 'cancelled', decided_by = $1, decided_at = $2 \
             WHERE id = $3 AND status = 'draft'",
        )
        .bind(by)
        .bind(instant_text(now))
        .bind(id.0)
        .execute(&mut *self.writer().await?)
        .await?;
        if done.rows_affected() == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict(format!(
                "transfer plan {id} is not a draft: it has already been executed or cancelled"
            )))
        }
    }

    /// Executes a plan: marks it executed and writes its moves, in one transaction.
    /// Refused as a conflict when the plan is no longer a draft (so of two executions
    /// at once exactly one wins) or when the rows changed since the moves were worked
    /// out. Writes no report (see [`Store::execute_transfer_reconciled`]).
    pub async fn execute_transfer(
        &self,
        id: TransferPlanId,
        moves: &TransferMoves,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        write_moves(&mut tx, id, moves, by, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Executes a plan and writes its reconciliation report, all in one transaction:
    /// claims the plan, snapshots the scope, writes the moves, snapshots it again, and
    /// stores what `reconcile(before, after)` makes of the two. A crash at any point
    /// leaves the database wholly before (draft, no report) or wholly after.
    pub async fn execute_transfer_reconciled<R>(
        &self,
        id: TransferPlanId,
        moves: &TransferMoves,
        by: &str,
        now: DateTime<Utc>,
        scope: (&[ServiceId], NaiveDate),
        reconcile: impl FnOnce(ScopeSnapshot, ScopeSnapshot) -> Result<(R, String), StoreError>,
    ) -> Result<R, StoreError> {
        let mut tx = self.begin_write().await?;
        // Claiming first takes the write lock, so the "before" snapshot below is the
        // state the moves are written over.
        claim(&mut tx, id, by, now).await?;
        let before = snapshot_on(&mut tx, scope.0, scope.1).await?;
        apply_moves(&mut tx, moves).await?;
        let after = snapshot_on(&mut tx, scope.0, scope.1).await?;
        let (result, report) = reconcile(before, after)?;
        sqlx::query("INSERT INTO transfer_reports (plan_id, report) VALUES ($1, $2)")
            .bind(id.0)
            .bind(report)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(result)
    }

    /// Records a TUPE step as done for a plan.
    pub async fn add_tupe_step(
        &self,
        plan: TransferPlanId,
        step: &carebridge_domain::tupe::TupeStep,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO tupe_steps (plan_id, kind, done_on, notes, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(plan.0)
        .bind(step.kind.code())
        .bind(date_text(step.done_on))
        .bind(&step.notes)
        .bind(by)
        .bind(instant_text(now))
        .execute(&mut *self.writer().await?)
        .await?;
        Ok(())
    }

    /// The TUPE steps recorded for a plan, earliest first.
    pub async fn tupe_steps(
        &self,
        plan: TransferPlanId,
    ) -> Result<Vec<carebridge_domain::tupe::TupeStep>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, done_on, notes FROM tupe_steps WHERE plan_id = $1 ORDER BY done_on, id",
        )
        .bind(plan.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let kind: String = row.try_get("kind")?;
                Ok(carebridge_domain::tupe::TupeStep {
                    kind: carebridge_domain::tupe::TupeStepKind::parse(&kind)
                        .map_err(corrupt("TUPE step"))?,
                    done_on: date(row, "done_on")?,
                    notes: row.try_get("notes")?,
                })
            })
            .collect()
    }

    /// The reconciliation report of a plan, if it has one.
    pub async fn transfer_report(&self, id: TransferPlanId) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT report FROM transfer_reports WHERE plan_id = $1")
                .bind(id.0)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// What the reconciliation compares for `services` on `day` (see [`ScopeSnapshot`]).
    pub async fn scope_snapshot(
        &self,
        services: &[ServiceId],
        day: NaiveDate,
    ) -> Result<ScopeSnapshot, StoreError> {
        let mut conn = self.pool().acquire().await?;
        snapshot_on(&mut conn, services, day).await
    }

    /// Every employment, by person then start.
    pub async fn employments(
        &self,
    ) -> Result<Vec<carebridge_domain::staff::Employment>, StoreError> {
        let rows = sqlx::query(
            "SELECT id AS employment_id, staff_id, employer_id, post_id, starts_on, ends_on, continuous_since \
             FROM employments ORDER BY staff_id, starts_on",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(crate::staff::employment).collect()
    }

    /// Every post.
    pub async fn all_posts(&self) -> Result<Vec<carebridge_domain::staff::Post>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, code, title, grade, fte_hundredths, team_id, role FROM posts ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(crate::staff::post).collect()
    }
}

/// [`Store::scope_snapshot`] on one connection (or inside a transaction).
async fn snapshot_on(
    conn: &mut sqlx::AnyConnection,
    services: &[ServiceId],
    day: NaiveDate,
) -> Result<ScopeSnapshot, StoreError> {
    let mut snapshot = ScopeSnapshot::default();
    if services.is_empty() {
        return Ok(snapshot);
    }
    let list = placeholders(1, services.len());
    let in_scope =
        format!("SELECT DISTINCT child_id FROM involvements WHERE service_id IN ({list})");
    fn bind_services<'q>(
        sql: &'q str,
        services: &[ServiceId],
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        services.iter().fold(sqlx::query(sql), |q, s| q.bind(s.0))
    }
    // One streamed pass over the children in scope joined to their involvements, in
    // child order, hashing each child's row and then its involvements: memory stays
    // flat whatever the number of children.
    let sql = format!(
        "SELECT c.id, c.given_name, c.family_name, c.sex, c.date_of_birth, i.id AS iid, i.service_id, \
         i.team_id, i.kind, i.starts_on, i.ends_on FROM children c LEFT JOIN involvements i ON i.child_id = c.id \
         WHERE c.id IN ({in_scope}) ORDER BY c.id, i.id"
    );
    {
        let mut rows = bind_services(&sql, services).fetch(&mut *conn);
        let mut current: Option<(i64, Sha256)> = None;
        while let Some(row) = rows.try_next().await? {
            let id: i64 = row.try_get("id")?;
            if current.as_ref().map(|(c, _)| *c) != Some(id) {
                if let Some((done, hash)) = current.take() {
                    snapshot
                        .children
                        .push((ChildId(done), hex::encode(hash.finalize())));
                }
                let mut hash = Sha256::new();
                for column in ["given_name", "family_name", "sex", "date_of_birth"] {
                    let value: String = row.try_get(column)?;
                    hash.update(value.as_bytes());
                    hash.update([0x1f]);
                }
                current = Some((id, hash));
            }
            let iid: Option<i64> = row.try_get("iid")?;
            if let (Some(iid), Some((_, hash))) = (iid, current.as_mut()) {
                let (service, team): (Option<i64>, Option<i64>) =
                    (row.try_get("service_id")?, row.try_get("team_id")?);
                let (kind, starts, ends): (Option<String>, Option<String>, Option<String>) = (
                    row.try_get("kind")?,
                    row.try_get("starts_on")?,
                    row.try_get("ends_on")?,
                );
                hash.update(
                    format!("\x1e{iid}\x1f{service:?}\x1f{team:?}\x1f{kind:?}\x1f{starts:?}\x1f{ends:?}").as_bytes(),
                );
            }
        }
        if let Some((done, hash)) = current {
            snapshot
                .children
                .push((ChildId(done), hex::encode(hash.finalize())));
        }
    }

    let day_text = date_text(day);
    let n = services.len();
    let employers_sql = format!(
        "SELECT e.staff_id, e.post_id, e.employer_id FROM employments e \
         JOIN posts p ON p.id = e.post_id JOIN teams t ON t.id = p.team_id \
         WHERE t.service_id IN ({list}) AND e.starts_on <= ${d} AND (e.ends_on IS NULL OR e.ends_on >= ${d}) \
         ORDER BY e.staff_id, e.post_id",
        d = n + 1
    );
    let query = bind_services(&employers_sql, services).bind(&day_text);
    for row in query.fetch_all(&mut *conn).await? {
        snapshot.employers.push((
            StaffId(row.try_get("staff_id")?),
            PostId(row.try_get("post_id")?),
            OrganisationId(row.try_get("employer_id")?),
        ));
    }
    for s in services {
        let provider: Option<i64> = sqlx::query_scalar(
            "SELECT provider_id FROM provision_periods WHERE service_id = $1 AND starts_on <= $2 \
             AND (ends_on IS NULL OR ends_on >= $2)",
        )
        .bind(s.0)
        .bind(&day_text)
        .fetch_optional(&mut *conn)
        .await?;
        snapshot.providers.push((*s, provider.map(OrganisationId)));
    }
    Ok(snapshot)
}

type Tx = sqlx::AnyConnection;

/// Marks a draft plan executed; a plan that is not a draft is a conflict.
async fn claim(
    tx: &mut Tx,
    id: TransferPlanId,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let claimed = sqlx::query(
        "UPDATE transfer_plans SET status = 'executed', decided_by = $1, decided_at = $2 \
         WHERE id = $3 AND status = 'draft'",
    )
    .bind(by)
    .bind(instant_text(now))
    .bind(id.0)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!(
            "transfer plan {id} has already been executed or cancelled; an executed plan is reversed only by a new plan"
        )))
    }
}

/// Claims the plan and writes its moves.
async fn write_moves(
    tx: &mut Tx,
    id: TransferPlanId,
    moves: &TransferMoves,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    claim(tx, id, by, now).await?;
    apply_moves(tx, moves).await
}

/// Closes and opens provision periods and employments.
async fn apply_moves(tx: &mut Tx, moves: &TransferMoves) -> Result<(), StoreError> {
    for edit in &moves.provision {
        apply_edit(tx, edit, None).await?;
    }
    for m in &moves.employments {
        let closed = sqlx::query(
            "UPDATE employments SET ends_on = $1 WHERE id = $2 AND starts_on <= $1 AND (ends_on IS NULL OR ends_on > $1)",
        )
        .bind(date_text(m.last_day))
        .bind(m.close.0)
        .execute(&mut *tx)
        .await?;
        if closed.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "employment {} changed since the plan was worked out; dry-run the plan again",
                m.close
            )));
        }
        sqlx::query(
            "INSERT INTO employments (staff_id, employer_id, post_id, starts_on, ends_on, continuous_since) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(m.open.staff.0)
        .bind(m.open.employer.0)
        .bind(m.open.post.0)
        .bind(date_text(m.open.period.start()))
        .bind(opt_date_text(m.open.period.end()))
        .bind(date_text(m.open.continuous_since))
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
