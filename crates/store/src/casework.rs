//! Casework in SQL: a case's allocation history, allocating and closing a case, and
//! caseloads. Reads and writes of a case happen only inside a [`RecordTx`], with the
//! capability the policy handed out ([`ChildAccess`] to read, [`CaseAccess`] to write,
//! [`CaseloadAccess`] to list), so the decision and its audit entry are in the same
//! transaction. The no-overlap rule is enforced again by the database's triggers
//! (migrations `*_casework.sql`).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

use carebridge_domain::casework::{
    Allocation, AllocationEdit, AllocationHistory, ClosureEdit, ClosureReason, WorkerChange,
};
use carebridge_domain::child::{Child, Involvement, InvolvementKind};
use carebridge_domain::staff::{Role, Team};
use carebridge_domain::{AllocationId, ChildId, InvolvementId, Period, StaffId, TeamId, UserId};
use carebridge_policy::{
    CaseAccess, CaseAction, CaseloadAccess, CaseloadOf, ChildAccess, Reach, SearchScope,
};

use crate::children::involvement;
use crate::rows::{corrupt, date, date_text, instant, instant_text, opt_date};
use crate::staff::team;
use crate::{RecordTx, Store, StoreError};

/// One row of a case's allocation history, with names for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationRecord {
    /// The row.
    pub allocation: Allocation,
    /// The worker's name.
    pub worker: String,
    /// The team's name.
    pub team_name: String,
    /// Who allocated it (sign-in name, or the demo loader).
    pub allocated_by: String,
    /// Why.
    pub reason: String,
    /// Why the child's social worker changed, when recorded.
    pub change: Option<WorkerChange>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// How a case was closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    /// The census reason.
    pub reason: ClosureReason,
    /// Who recorded it.
    pub closed_by: String,
    /// When it was recorded.
    pub closed_at: DateTime<Utc>,
}

/// A case with its history, as the case page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    /// The child.
    pub child: Child,
    /// The case.
    pub case: Involvement,
    /// The service's name.
    pub service_name: String,
    /// The allocations, earliest first.
    pub allocations: Vec<AllocationRecord>,
    /// How it was closed, if it was closed through Carebridge.
    pub closure: Option<Closure>,
}

/// One case on a caseload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseloadEntry {
    /// The child.
    pub child: Child,
    /// The case.
    pub case: Involvement,
    /// The worker who holds it.
    pub worker: StaffId,
    /// Their name.
    pub worker_name: String,
    /// The team it is held in.
    pub team: TeamId,
    /// The team's name.
    pub team_name: String,
    /// Allocated to this worker since.
    pub since: NaiveDate,
}

/// A caseload on a day: the cases the viewer may see, and their count by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caseload {
    /// The cases (at most the limit asked for), by child's family name.
    pub entries: Vec<CaseloadEntry>,
    /// Every visible case counted, by kind (kinds with none left out), in
    /// [`InvolvementKind::ALL`] order.
    pub by_kind: Vec<(InvolvementKind, i64)>,
    /// Every visible case.
    pub total: i64,
}

/// A worker who could hold a case: someone in a casework post in a team of the
/// case's service on the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worker {
    /// Who.
    pub staff: StaffId,
    /// Their name.
    pub name: String,
    /// The team of their post.
    pub team: TeamId,
    /// The post's title.
    pub title: String,
}

const ALLOCATION_COLUMNS: &str = "a.id AS allocation_id, a.involvement_id, a.staff_id, \
     a.team_id AS allocation_team, a.starts_on AS allocation_starts, a.ends_on AS allocation_ends, \
     a.allocated_by, a.reason, a.change_reason, a.recorded_at, s.given_name AS worker_given, \
     s.family_name AS worker_family, t.name AS team_name";

fn allocation(row: &AnyRow) -> Result<Allocation, StoreError> {
    Ok(Allocation {
        id: AllocationId(row.try_get("allocation_id")?),
        involvement: InvolvementId(row.try_get("involvement_id")?),
        staff: StaffId(row.try_get("staff_id")?),
        team: TeamId(row.try_get("allocation_team")?),
        period: Period::new(
            "allocation",
            date(row, "allocation_starts")?,
            opt_date(row, "allocation_ends")?,
        )
        .map_err(corrupt("allocation"))?,
    })
}

fn allocation_record(row: &AnyRow) -> Result<AllocationRecord, StoreError> {
    let given: String = row.try_get("worker_given")?;
    let family: String = row.try_get("worker_family")?;
    Ok(AllocationRecord {
        allocation: allocation(row)?,
        worker: format!("{given} {family}"),
        team_name: row.try_get("team_name")?,
        allocated_by: row.try_get("allocated_by")?,
        reason: row.try_get("reason")?,
        change: row
            .try_get::<Option<String>, _>("change_reason")?
            .map(|c| WorkerChange::parse(&c).map_err(corrupt("change of social worker")))
            .transpose()?,
        recorded_at: instant(row, "recorded_at")?,
    })
}

/// The ids a scope reaches, and the SQL condition (on `c`, the child, and `i`, the
/// involvement) that keeps a case within it; placeholders numbered from `from`, with
/// `$1` the viewer and `$2` the day.
fn visible_condition(scope: &SearchScope, from: usize) -> (String, Vec<i64>) {
    let ids: Vec<i64> = match scope.reach() {
        Reach::Services(s) => s.iter().map(|s| s.0).collect(),
        Reach::Children(c) => c.iter().map(|c| c.0).collect(),
        Reach::All => Vec::new(),
    };
    let list = (0..ids.len())
        .map(|i| format!("${}", from + i))
        .collect::<Vec<_>>()
        .join(", ");
    let in_reach = match scope.reach() {
        Reach::All => "1 = 1".to_owned(),
        _ if ids.is_empty() => "1 = 0".to_owned(),
        Reach::Services(_) => format!("i.service_id IN ({list})"),
        Reach::Children(_) => format!("c.id IN ({list})"),
    };
    (
        format!(
            "((NOT EXISTS (SELECT 1 FROM record_restrictions r WHERE r.child_id = c.id) AND {in_reach}) \
             OR EXISTS (SELECT 1 FROM restriction_named n WHERE n.child_id = c.id AND n.user_id = $1))"
        ),
        ids,
    )
}

/// Binds a caseload query's parameters in order: viewer, day, whose, the scope's ids.
fn bind_caseload<'q>(
    sql: &'q str,
    viewer: i64,
    day: NaiveDate,
    whose: i64,
    ids: &[i64],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut q = sqlx::query(sql)
        .bind(viewer)
        .bind(date_text(day))
        .bind(whose);
    for id in ids {
        q = q.bind(*id);
    }
    q
}

impl RecordTx {
    /// The child whose case this is, if there is such a case.
    pub async fn child_of_case(
        &mut self,
        case: InvolvementId,
    ) -> Result<Option<ChildId>, StoreError> {
        let child: Option<i64> =
            sqlx::query_scalar("SELECT child_id FROM involvements WHERE id = $1")
                .bind(case.0)
                .fetch_optional(self.conn())
                .await?;
        Ok(child.map(ChildId))
    }

    async fn allocation_records(
        &mut self,
        case: InvolvementId,
    ) -> Result<Vec<AllocationRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ALLOCATION_COLUMNS} FROM allocations a \
             JOIN staff s ON s.id = a.staff_id JOIN teams t ON t.id = a.team_id \
             WHERE a.involvement_id = $1 ORDER BY a.starts_on, a.id"
        ))
        .bind(case.0)
        .fetch_all(self.conn())
        .await?;
        rows.iter().map(allocation_record).collect()
    }

    async fn case_row(&mut self, case: InvolvementId) -> Result<Option<AnyRow>, StoreError> {
        Ok(sqlx::query(
            "SELECT i.id, i.child_id, i.service_id, i.team_id, i.kind, i.starts_on, i.ends_on, \
             i.closure_reason, i.closed_by, i.closed_at, v.name AS service_name \
             FROM involvements i JOIN services v ON v.id = i.service_id WHERE i.id = $1",
        )
        .bind(case.0)
        .fetch_optional(self.conn())
        .await?)
    }

    /// The case with its allocation history, read with the capability to read the
    /// child's record; `None` when the case is not this child's.
    pub async fn case_record(
        &mut self,
        access: &ChildAccess,
        case: InvolvementId,
    ) -> Result<Option<CaseRecord>, StoreError> {
        if !access.may_read() {
            return Err(StoreError::Refused(
                "this access does not allow reading the record",
            ));
        }
        let Some(row) = self.case_row(case).await? else {
            return Ok(None);
        };
        let work = involvement(&row)?;
        if work.child != access.child() {
            return Ok(None);
        }
        let closure = match row.try_get::<Option<String>, _>("closure_reason")? {
            None => None,
            Some(code) => Some(Closure {
                reason: ClosureReason::parse(&code).map_err(corrupt("closure reason"))?,
                closed_by: row
                    .try_get::<Option<String>, _>("closed_by")?
                    .unwrap_or_default(),
                closed_at: instant(&row, "closed_at")?,
            }),
        };
        let service_name: String = row.try_get("service_name")?;
        let (child, _) = self.read_child(access).await?;
        let allocations = self.allocation_records(case).await?;
        Ok(Some(CaseRecord {
            child,
            case: work,
            service_name,
            allocations,
            closure,
        }))
    }

    /// The case's allocation history, read with the capability to change it.
    pub async fn allocation_history(
        &mut self,
        access: &CaseAccess,
    ) -> Result<AllocationHistory, StoreError> {
        let row = self
            .case_row(access.involvement())
            .await?
            .ok_or(StoreError::Refused("the case no longer exists"))?;
        let work = involvement(&row)?;
        let rows = self
            .allocation_records(access.involvement())
            .await?
            .into_iter()
            .map(|r| r.allocation)
            .collect();
        AllocationHistory::new(work, rows).map_err(corrupt("allocation history"))
    }

    /// The teams `staff` holds a post in on `day`.
    pub async fn worker_teams_on(
        &mut self,
        staff: StaffId,
        day: NaiveDate,
    ) -> Result<Vec<TeamId>, StoreError> {
        let teams: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT p.team_id FROM employments e JOIN posts p ON p.id = e.post_id \
             WHERE e.staff_id = $1 AND e.starts_on <= $2 AND (e.ends_on IS NULL OR e.ends_on >= $2) \
             ORDER BY p.team_id",
        )
        .bind(staff.0)
        .bind(date_text(day))
        .fetch_all(self.conn())
        .await?;
        Ok(teams.into_iter().map(TeamId).collect())
    }

    /// A team, if there is one with this id.
    pub async fn team_by_id(&mut self, id: TeamId) -> Result<Option<Team>, StoreError> {
        let row = sqlx::query("SELECT id, service_id, name FROM teams WHERE id = $1")
            .bind(id.0)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(team).transpose()
    }

    /// A member of staff's full name, if there is one with this id.
    pub async fn staff_name(&mut self, id: StaffId) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT given_name, family_name FROM staff WHERE id = $1")
            .bind(id.0)
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| {
            let given: String = r.try_get("given_name")?;
            let family: String = r.try_get("family_name")?;
            Ok(format!("{given} {family}"))
        })
        .transpose()
    }

    /// Writes an allocation edit: ends the current row (if any) and opens the new one;
    /// the case is then held by the new team. Returns the new row's id.
    pub async fn write_allocation(
        &mut self,
        access: &CaseAccess,
        edit: &AllocationEdit,
        by: &str,
        by_user: UserId,
        at: DateTime<Utc>,
    ) -> Result<AllocationId, StoreError> {
        if access.action() != CaseAction::Allocate || edit.open.involvement != access.involvement()
        {
            return Err(StoreError::Refused(
                "this access does not allow allocating this case",
            ));
        }
        if let Some((id, last_day)) = edit.close {
            let done = sqlx::query(
                "UPDATE allocations SET ends_on = $1 WHERE id = $2 AND involvement_id = $3 AND ends_on IS NULL",
            )
            .bind(date_text(last_day))
            .bind(id.0)
            .bind(access.involvement().0)
            .execute(self.conn())
            .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Conflict(
                    "the case's allocation changed while this one was being made: reload and try again"
                        .to_owned(),
                ));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO allocations (involvement_id, staff_id, team_id, starts_on, ends_on, \
             allocated_by, allocated_by_user, reason, recorded_at, change_reason) \
             VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(edit.open.involvement.0)
        .bind(edit.open.staff.0)
        .bind(edit.open.team.0)
        .bind(date_text(edit.open.starts_on))
        .bind(by)
        .bind(by_user.0)
        .bind(edit.open.reason.as_str())
        .bind(instant_text(at))
        .bind(edit.open.change.map(|c| c.code()))
        .fetch_one(self.conn())
        .await?;
        sqlx::query("UPDATE involvements SET team_id = $1 WHERE id = $2")
            .bind(edit.open.team.0)
            .bind(edit.open.involvement.0)
            .execute(self.conn())
            .await?;
        Ok(AllocationId(id))
    }

    /// Closes the case: its last day and census reason, and its allocation ended the
    /// same day.
    pub async fn close_case(
        &mut self,
        access: &CaseAccess,
        edit: &ClosureEdit,
        by: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if access.action() != CaseAction::Close || edit.involvement != access.involvement() {
            return Err(StoreError::Refused(
                "this access does not allow closing this case",
            ));
        }
        let last_day = date_text(edit.last_day);
        if let Some(id) = edit.end_allocation {
            sqlx::query("UPDATE allocations SET ends_on = $1 WHERE id = $2 AND ends_on IS NULL")
                .bind(&last_day)
                .bind(id.0)
                .execute(self.conn())
                .await?;
        }
        let done = sqlx::query(
            "UPDATE involvements SET ends_on = $1, closure_reason = $2, closed_by = $3, closed_at = $4 \
             WHERE id = $5 AND ends_on IS NULL",
        )
        .bind(&last_day)
        .bind(edit.reason.code())
        .bind(by)
        .bind(instant_text(at))
        .bind(edit.involvement.0)
        .execute(self.conn())
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "the case was closed while this closure was being recorded".to_owned(),
            ));
        }
        Ok(())
    }

    /// The teams a caseload belongs to on `day`: the team itself, or the teams the
    /// worker holds a post in (what the policy needs to decide who may see it).
    pub async fn caseload_teams(
        &mut self,
        of: CaseloadOf,
        day: NaiveDate,
    ) -> Result<Vec<Team>, StoreError> {
        let rows = match of {
            CaseloadOf::Team(id) => {
                sqlx::query("SELECT id, service_id, name FROM teams WHERE id = $1")
                    .bind(id.0)
                    .fetch_all(self.conn())
                    .await?
            }
            CaseloadOf::Staff(id) => {
                sqlx::query(
                    "SELECT DISTINCT t.id, t.service_id, t.name FROM employments e \
                     JOIN posts p ON p.id = e.post_id JOIN teams t ON t.id = p.team_id \
                     WHERE e.staff_id = $1 AND e.starts_on <= $2 AND (e.ends_on IS NULL OR e.ends_on >= $2) \
                     ORDER BY t.id",
                )
                .bind(id.0)
                .bind(date_text(day))
                .fetch_all(self.conn())
                .await?
            }
        };
        rows.iter().map(team).collect()
    }

    /// The caseload on `day`: the open cases allocated to the worker (or in the team)
    /// that day, only those the viewer may see (the scope is in the query), at most
    /// `limit` of them listed, all of them counted by kind.
    pub async fn caseload(
        &mut self,
        access: &CaseloadAccess,
        day: NaiveDate,
        limit: i64,
    ) -> Result<Caseload, StoreError> {
        // $1 viewer, $2 day, $3 whose, then the scope's ids.
        let (visible, ids) = visible_condition(access.visible(), 4);
        let (whose_column, whose) = match access.of() {
            CaseloadOf::Staff(s) => ("a.staff_id", s.0),
            CaseloadOf::Team(t) => ("a.team_id", t.0),
        };
        let from = format!(
            "FROM allocations a JOIN involvements i ON i.id = a.involvement_id \
             JOIN children c ON c.id = i.child_id \
             JOIN staff s ON s.id = a.staff_id JOIN teams t ON t.id = a.team_id \
             WHERE {whose_column} = $3 AND a.starts_on <= $2 AND (a.ends_on IS NULL OR a.ends_on >= $2) \
             AND i.starts_on <= $2 AND (i.ends_on IS NULL OR i.ends_on >= $2) AND {visible}"
        );
        let viewer = access.visible().subject().0;
        let count_sql = format!("SELECT i.kind, COUNT(*) AS cases {from} GROUP BY i.kind");
        let counted = bind_caseload(&count_sql, viewer, day, whose, &ids)
            .fetch_all(self.conn())
            .await?;
        let mut by_kind = Vec::new();
        let mut total = 0;
        for kind in InvolvementKind::ALL {
            for row in &counted {
                let code: String = row.try_get("kind")?;
                if code == kind.code() {
                    let n: i64 = row.try_get("cases")?;
                    total += n;
                    by_kind.push((kind, n));
                }
            }
        }
        let list_sql = format!(
            "SELECT c.id AS cid, c.given_name, c.family_name, c.sex, c.date_of_birth, \
             i.id, i.child_id, i.service_id, i.team_id, i.kind, i.starts_on, i.ends_on, \
             {ALLOCATION_COLUMNS} {from} \
             ORDER BY c.family_name, c.given_name, c.id, i.id LIMIT {limit}"
        );
        let rows = bind_caseload(&list_sql, viewer, day, whose, &ids)
            .fetch_all(self.conn())
            .await?;
        let mut entries = Vec::with_capacity(rows.len());
        for row in &rows {
            let sex: String = row.try_get("sex")?;
            let record = allocation_record(row)?;
            entries.push(CaseloadEntry {
                child: Child {
                    id: ChildId(row.try_get("cid")?),
                    given_name: row.try_get("given_name")?,
                    family_name: row.try_get("family_name")?,
                    sex: carebridge_domain::child::Sex::parse(&sex)
                        .map_err(corrupt("child's sex"))?,
                    date_of_birth: date(row, "date_of_birth")?,
                },
                case: involvement(row)?,
                worker: record.allocation.staff,
                worker_name: record.worker,
                team: record.allocation.team,
                team_name: record.team_name,
                since: record.allocation.period.start(),
            });
        }
        Ok(Caseload {
            entries,
            by_kind,
            total,
        })
    }
}

impl Store {
    /// The teams of `service`, and the people in casework posts in them on `day`: the
    /// choices an allocation form offers.
    pub async fn allocation_choices(
        &self,
        service: carebridge_domain::ServiceId,
        day: NaiveDate,
    ) -> Result<(Vec<Team>, Vec<Worker>), StoreError> {
        let teams = sqlx::query(
            "SELECT id, service_id, name FROM teams WHERE service_id = $1 ORDER BY name",
        )
        .bind(service.0)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(team)
        .collect::<Result<Vec<_>, _>>()?;
        let roles = [
            Role::SocialWorker,
            Role::SeniorPractitioner,
            Role::TeamManager,
        ];
        let rows = sqlx::query(
            "SELECT DISTINCT s.id, s.given_name, s.family_name, p.team_id, p.title, p.role \
             FROM employments e JOIN posts p ON p.id = e.post_id JOIN teams t ON t.id = p.team_id \
             JOIN staff s ON s.id = e.staff_id \
             WHERE t.service_id = $1 AND e.starts_on <= $2 AND (e.ends_on IS NULL OR e.ends_on >= $2) \
             ORDER BY s.family_name, s.given_name, s.id",
        )
        .bind(service.0)
        .bind(date_text(day))
        .fetch_all(self.pool())
        .await?;
        let mut workers = Vec::new();
        for row in &rows {
            let role: String = row.try_get("role")?;
            if !roles.iter().any(|r| r.code() == role) {
                continue;
            }
            let given: String = row.try_get("given_name")?;
            let family: String = row.try_get("family_name")?;
            workers.push(Worker {
                staff: StaffId(row.try_get("id")?),
                name: format!("{given} {family}"),
                team: TeamId(row.try_get("team_id")?),
                title: row.try_get("title")?,
            });
        }
        Ok((teams, workers))
    }

    /// Every allocation of a case, earliest first (for tests and the demo's checks;
    /// pages read a case through [`RecordTx::case_record`]).
    pub async fn allocations_of(&self, case: InvolvementId) -> Result<Vec<Allocation>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ALLOCATION_COLUMNS} FROM allocations a \
             JOIN staff s ON s.id = a.staff_id JOIN teams t ON t.id = a.team_id \
             WHERE a.involvement_id = $1 ORDER BY a.starts_on, a.id"
        ))
        .bind(case.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(allocation).collect()
    }
}
