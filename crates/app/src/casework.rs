//! Casework through the one policy: a case page with its allocation history, allocating
//! and moving a case between workers and teams, closing a case with a census reason, and
//! caseloads by worker and team.
//!
//! Each use case runs one [`carebridge_store::RecordTx`]: the policy's facts are loaded,
//! the decision made ([`carebridge_policy::decide_case`], [`decide_caseload`]) and
//! audited, and the write done with the capability it handed out, in the same
//! transaction. A write the domain refuses ([`AllocationHistory`]'s rules) is rolled
//! back whole, so a failed write changes nothing.
//!
//! Moving a case to another worker or team is not a change of provider: that is a
//! transfer ([`crate::transfer`]), which moves services, posts and staff between
//! organisations and leaves every case with the person holding it.
//!
//! [`AllocationHistory`]: carebridge_domain::casework::AllocationHistory

use chrono::NaiveDate;

use carebridge_domain::casework::{AllocationRequest, ClosureReason, WorkerChange};
use carebridge_domain::staff::Team;
use carebridge_domain::{AllocationId, DomainError, InvolvementId, ServiceId, StaffId, TeamId};
use carebridge_policy::{
    decide_case, decide_caseload, role_may_case, AuthorityAction, CaseAccess, CaseAction,
    CaseloadOf, ChildAction, Denial, Grounds,
};
use carebridge_store::audit::NewAuditEntry;
use carebridge_store::{CaseRecord, Caseload, RecordTx, Worker};

use crate::accounts::Actor;
use crate::records::{audit_entry, finish, refused, Checked, RequestMeta};
use crate::{App, AppError};

/// How many cases a caseload page lists at most (all are counted).
pub const CASELOAD_LIMIT: i64 = 500;

/// A case as its page shows it, with what the reader may do to it.
#[derive(Debug, Clone)]
pub struct CaseView {
    /// The case, its child, its history.
    pub record: CaseRecord,
    /// Whether the reader's role allocates and closes cases (the decision on this case
    /// is made again, audited, when they do).
    pub may_manage: bool,
}

/// A caseload as its page shows it.
#[derive(Debug, Clone)]
pub struct CaseloadView {
    /// Whose.
    pub of: CaseloadOf,
    /// Their name, or the team's.
    pub name: String,
    /// The cases the viewer may see.
    pub caseload: Caseload,
    /// The teams whose caseloads the viewer may also open (managers).
    pub teams: Vec<Team>,
}

/// An allocation as asked for, once the form's fields have been read.
#[derive(Debug, Clone)]
pub struct AllocationInput {
    /// The worker.
    pub worker: StaffId,
    /// The team.
    pub team: TeamId,
    /// From when.
    pub starts_on: NaiveDate,
    /// Why.
    pub reason: String,
    /// Why the child's social worker changed (the DfE's code).
    pub change: WorkerChange,
}

/// A case action after the policy allowed it (and it was audited).
struct CaseChecked {
    tx: RecordTx,
    access: CaseAccess,
    entry: NewAuditEntry,
    at: chrono::DateTime<chrono::Utc>,
}

impl App {
    /// Whether the actor's role could ever take `action` on a case: checked before any
    /// input is read.
    pub fn authorise_case_action(&self, actor: &Actor, action: CaseAction) -> Result<(), AppError> {
        if role_may_case(actor.role, action) {
            Ok(())
        } else {
            Err(AppError::Forbidden(Denial::Role(actor.role).describe()))
        }
    }

    /// Begins a record transaction for `action` on `case`, decides and audits it.
    async fn begin_case_checked(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        action: CaseAction,
        case: InvolvementId,
    ) -> Result<CaseChecked, AppError> {
        self.authorise_case_action(actor, action)?;
        let at = self.clock().now();
        let mut tx = self.store().begin_records().await?;
        let child = tx
            .child_of_case(case)
            .await?
            .ok_or(AppError::NotFound("case"))?;
        let facts = tx
            .child_facts(actor.user, actor.staff, child, at)
            .await?
            .ok_or(AppError::NotFound("case"))?;
        let decision = decide_case(&actor.subject(), action, case, &facts, at);
        let mut entry = audit_entry(
            actor,
            meta,
            action.code(),
            Some(child),
            decision.as_ref().map(|a| a.grounds()),
            at,
        );
        entry.employer = match decision.as_ref().map(|a| a.grounds()) {
            Ok(Grounds::InScope(g)) => Some(g.employer),
            _ => facts.workplace.employments.first().map(|e| e.employer),
        };
        entry.reason = format!("case {}: {}", case.0, entry.reason);
        match decision {
            Ok(access) => Ok(CaseChecked {
                tx,
                access,
                entry,
                at,
            }),
            Err(denial) => {
                finish(tx, &entry).await?;
                Err(refused(&denial))
            }
        }
    }

    /// Opens a case (reading the child's record, through the policy and audited) with
    /// its allocation history.
    pub async fn case(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        case: InvolvementId,
    ) -> Result<CaseView, AppError> {
        let child = {
            let mut tx = self.store().begin_records().await?;
            let child = tx.child_of_case(case).await?;
            tx.commit().await?;
            child.ok_or(AppError::NotFound("case"))?
        };
        let Checked {
            mut tx,
            access,
            mut entry,
            ..
        } = self
            .begin_checked(actor, meta, ChildAction::Open, child)
            .await?;
        let record = tx
            .case_record(&access, case)
            .await?
            .ok_or(AppError::NotFound("case"))?;
        entry.reason = format!("case {}: {}", case.0, entry.reason);
        finish(tx, &entry).await?;
        Ok(CaseView {
            record,
            may_manage: role_may_case(actor.role, CaseAction::Allocate),
        })
    }

    /// The teams of the case's service and the workers in them today: what an
    /// allocation form offers. Only for roles that allocate.
    pub async fn allocation_choices(
        &self,
        actor: &Actor,
        service: ServiceId,
    ) -> Result<(Vec<Team>, Vec<Worker>), AppError> {
        self.authorise_case_action(actor, CaseAction::Allocate)?;
        Ok(self
            .store()
            .allocation_choices(service, self.clock().today())
            .await?)
    }

    /// Allocates a case to a worker and team, or moves it to another (the current
    /// allocation ends the day before the new one starts). Returns the new row's id.
    pub async fn allocate_case(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        case: InvolvementId,
        input: &AllocationInput,
    ) -> Result<AllocationId, AppError> {
        let CaseChecked {
            mut tx,
            access,
            mut entry,
            at,
        } = self
            .begin_case_checked(actor, meta, CaseAction::Allocate, case)
            .await?;
        let history = tx.allocation_history(&access).await?;
        let worker_name = tx
            .staff_name(input.worker)
            .await?
            .ok_or_else(|| DomainError::invalid("worker", "choose a worker from the list"))?;
        let team = tx
            .team_by_id(input.team)
            .await?
            .ok_or_else(|| DomainError::invalid("team", "choose a team from the list"))?;
        let worker_teams = tx.worker_teams_on(input.worker, input.starts_on).await?;
        // A refusal here drops the transaction: nothing is written, not even the entry.
        let edit = history.plan_allocation(&AllocationRequest {
            staff: input.worker,
            staff_name: &worker_name,
            team: &team,
            worker_teams: &worker_teams,
            starts_on: input.starts_on,
            reason: &input.reason,
            change: input.change,
            today: at.date_naive(),
        })?;
        let id = tx
            .write_allocation(&access, &edit, &actor.username, actor.user, at)
            .await?;
        entry.reason = format!(
            "{}; allocated to staff {} in team {} from {}{}",
            entry.reason,
            input.worker.0,
            team.id.0,
            input.starts_on,
            edit.close
                .map(|(old, last)| format!(", ending allocation {} on {last}", old.0))
                .unwrap_or_default()
        );
        finish(tx, &entry).await?;
        Ok(id)
    }

    /// Closes a case on `last_day` for a census reason, ending its allocation that day.
    pub async fn close_case(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        case: InvolvementId,
        reason: ClosureReason,
        last_day: NaiveDate,
    ) -> Result<(), AppError> {
        let CaseChecked {
            mut tx,
            access,
            mut entry,
            at,
        } = self
            .begin_case_checked(actor, meta, CaseAction::Close, case)
            .await?;
        let history = tx.allocation_history(&access).await?;
        let edit = history.plan_closure(last_day, reason, at.date_naive())?;
        tx.close_case(&access, &edit, &actor.username, at).await?;
        entry.reason = format!(
            "{}; closed on {last_day}, reason {}",
            entry.reason,
            reason.code()
        );
        finish(tx, &entry).await?;
        Ok(())
    }

    /// A caseload today: the actor's own when `of` is `None`. Lists only the cases the
    /// actor may see, each listing audited, with every visible case counted by kind.
    pub async fn caseload(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        of: Option<CaseloadOf>,
    ) -> Result<CaseloadView, AppError> {
        self.authorise(actor, AuthorityAction::ViewCaseloads)?;
        let of = match of {
            Some(of) => of,
            None => CaseloadOf::Staff(
                actor
                    .staff
                    .ok_or_else(|| AppError::Forbidden(Denial::NoStaffRecord.describe()))?,
            ),
        };
        let at = self.clock().now();
        let day = at.date_naive();
        let mut tx = self.store().begin_records().await?;
        let name = match of {
            CaseloadOf::Staff(s) => tx
                .staff_name(s)
                .await?
                .ok_or(AppError::NotFound("member of staff"))?,
            CaseloadOf::Team(t) => {
                tx.team_by_id(t)
                    .await?
                    .ok_or(AppError::NotFound("team"))?
                    .name
            }
        };
        let workplace = tx.workplace(actor.staff, day).await?;
        let provision = tx.provision_on(day).await?;
        let grants = tx.grants_of(actor.user, at).await?;
        let target = tx.caseload_teams(of, day).await?;
        let subject = actor.subject();
        let decision = decide_caseload(&subject, of, &target, &workplace, &provision, &grants, at);
        let whose = match of {
            CaseloadOf::Staff(s) => format!("caseload of staff {}", s.0),
            CaseloadOf::Team(t) => format!("caseload of team {}", t.0),
        };
        let employer = workplace.employments.first().map(|e| e.employer);
        let mut entry = audit_entry(
            actor,
            meta,
            "view-caseload",
            None,
            decision.as_ref().map(|a| a.grounds()),
            at,
        );
        entry.employer = employer;
        entry.reason = format!("{whose}: {}", entry.reason);
        let access = match decision {
            Ok(access) => access,
            Err(denial) => {
                finish(tx, &entry).await?;
                return Err(AppError::Forbidden(denial.describe()));
            }
        };
        let caseload = tx.caseload(&access, day, CASELOAD_LIMIT).await?;
        let mut listed: Vec<i64> = Vec::new();
        for e in &caseload.entries {
            if listed.contains(&e.child.id.0) {
                continue;
            }
            listed.push(e.child.id.0);
            let mut shown = audit_entry(
                actor,
                meta,
                "caseload-listing",
                Some(e.child.id),
                Ok(access.grounds()),
                at,
            );
            shown.employer = employer;
            shown.reason = format!("shown on the {whose}");
            tx.audit(&shown).await?;
        }
        entry.reason = format!("{}; {} cases", entry.reason, caseload.total);
        finish(tx, &entry).await?;
        // The teams whose caseloads the viewer may open too, asked of the policy.
        let teams = self
            .store()
            .teams()
            .await?
            .into_iter()
            .filter(|t| {
                decide_caseload(
                    &subject,
                    CaseloadOf::Team(t.id),
                    std::slice::from_ref(t),
                    &workplace,
                    &provision,
                    &grants,
                    at,
                )
                .is_ok()
            })
            .collect();
        Ok(CaseloadView {
            of,
            name,
            caseload,
            teams,
        })
    }
}
