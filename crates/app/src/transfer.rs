//! Transfers of services between providers: plan, dry run, execute, cancel, and the
//! reconciliation report that proves nothing was lost.
//!
//! The rule and its legal sources are in `carebridge_domain::transfer`: a transfer
//! writes provision and employment rows only. This module loads what the rule reads,
//! hands the result to the store to write in one transaction, and compares the scope
//! before and after: the same child records with the same content, every person in a
//! moving post now employed by the new provider, the new provider in place, and access
//! (a person may open a service's records when employed in one of its posts by the
//! organisation that provides it that day) following provision.

use carebridge_domain::instrument::Instrument;
use carebridge_domain::organisation::Organisation;
use carebridge_domain::provision::ProvisionHistory;
use carebridge_domain::service::Service;
use carebridge_domain::staff::{Post, StaffMember};
use carebridge_domain::timescales::{DueItem, Status};
use carebridge_domain::transfer::{
    due_around_transfer, plan_moves, PlanStatus, TransferMoves, TransferRequest, Workforce,
    DUE_WINDOW_DAYS,
};
use carebridge_domain::transfer_tasks::{plan_tasks, DryRunCounts, PlanFacts, TaskSection};
use carebridge_domain::{ChildId, DomainError, OrganisationId, TransferPlanId};
use carebridge_store::{ScopeSnapshot, TransferPlanRecord};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{App, AppError};

/// One check of the reconciliation report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// What was checked.
    pub name: String,
    /// Whether it held.
    pub passed: bool,
    /// How many rows were compared.
    pub compared: usize,
    /// The rows that failed, in words.
    pub failures: Vec<String>,
}

/// A scope snapshot as the report keeps it: the child records as a count and one
/// SHA-256 over every (id, content hash) pair, so the stored report stays small at a
/// million children; the people and providers in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeSummary {
    /// Child records in scope.
    pub children: usize,
    /// SHA-256 over "id:hash" lines of every child record in scope, in id order.
    pub children_sha256: String,
    /// (person, post, employer) on the effective date.
    pub employers: Vec<(
        carebridge_domain::StaffId,
        carebridge_domain::PostId,
        OrganisationId,
    )>,
    /// (service, provider) on the effective date.
    pub providers: Vec<(carebridge_domain::ServiceId, Option<OrganisationId>)>,
}

impl ScopeSummary {
    fn of(snapshot: &ScopeSnapshot) -> Self {
        use sha2::{Digest, Sha256};
        let mut all = Sha256::new();
        for (child, hash) in &snapshot.children {
            all.update(format!("{child}:{hash}\n").as_bytes());
        }
        ScopeSummary {
            children: snapshot.children.len(),
            children_sha256: hex::encode(all.finalize()),
            employers: snapshot.employers.clone(),
            providers: snapshot.providers.clone(),
        }
    }
}

/// The reconciliation report of an executed plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciliation {
    /// The plan.
    pub plan: TransferPlanId,
    /// Each check.
    pub checks: Vec<Check>,
    /// The scope before execution.
    pub before: ScopeSummary,
    /// The scope after.
    pub after: ScopeSummary,
}

/// The open cases of one team of a moving service on the effective date, and the
/// statutory work due on them within [`DUE_WINDOW_DAYS`] days of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamDue {
    /// The service.
    pub service: String,
    /// The team holding the work ("No team" when none does).
    pub team: String,
    /// Children with work open in it on the effective date.
    pub open_cases: usize,
    /// Things due from the effective date to 28 days after it, not yet overdue then.
    pub due: usize,
    /// Things already overdue on the effective date.
    pub overdue: usize,
}

/// One thing due on a moving case, as the plan lists it: the child's id (never their
/// name: the plan is a planning view), the duty, its date, and who holds the work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedDue {
    /// Whose record.
    pub child: ChildId,
    /// The service holding the child's work.
    pub service: String,
    /// The team holding it.
    pub team: String,
    /// The worker allocated to it on the effective date, if anyone.
    pub allocated: Option<String>,
    /// What is due, worked out as at the effective date.
    pub item: DueItem,
}

/// The open work of a plan's services on the effective date and what is due on it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DueAtTransfer {
    /// The last day of the window (the effective date plus 28 days).
    pub until: Option<NaiveDate>,
    /// Per service and team, in the order of the services then team names.
    pub teams: Vec<TeamDue>,
    /// Every thing due, overdue first, then by due date and child.
    pub items: Vec<PlannedDue>,
}

impl DueAtTransfer {
    /// Children with open work in the plan's services on the effective date.
    pub fn open_cases(&self) -> usize {
        self.teams.iter().map(|t| t.open_cases).sum()
    }

    /// Things due within the window, not overdue by the effective date.
    pub fn due(&self) -> usize {
        self.teams.iter().map(|t| t.due).sum()
    }

    /// Things overdue by the effective date.
    pub fn overdue(&self) -> usize {
        self.teams.iter().map(|t| t.overdue).sum()
    }
}

impl Reconciliation {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// The report as CSV: one row per check, and one per failing row of a check.
    pub fn to_csv(&self) -> Result<String, AppError> {
        let internal =
            |e: csv::Error| AppError::Internal(format!("writing the report as CSV: {e}"));
        let mut csv = csv::Writer::from_writer(Vec::new());
        csv.write_record(["plan", "check", "result", "compared", "failure"])
            .map_err(internal)?;
        let plan = self.plan.to_string();
        for check in &self.checks {
            let result = if check.passed { "PASS" } else { "FAIL" };
            let compared = check.compared.to_string();
            if check.failures.is_empty() {
                csv.write_record([plan.as_str(), &check.name, result, &compared, ""])
                    .map_err(internal)?;
            }
            for failure in &check.failures {
                csv.write_record([plan.as_str(), &check.name, result, &compared, failure])
                    .map_err(internal)?;
            }
        }
        let bytes = csv
            .into_inner()
            .map_err(|e| AppError::Internal(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// Compares the scope before and after executing `request`.
pub fn reconcile(
    plan: TransferPlanId,
    request: &TransferRequest,
    before: ScopeSnapshot,
    after: ScopeSnapshot,
) -> Reconciliation {
    let mut checks = Vec::new();

    // 1. Child records: same ids, same content.
    let mut failures = Vec::new();
    let after_children: std::collections::HashMap<_, _> = after.children.iter().cloned().collect();
    for (child, hash) in &before.children {
        match after_children.get(child) {
            None => failures.push(format!("child {child} is missing after the transfer")),
            Some(h) if h != hash => failures.push(format!(
                "child {child}'s record changed (hash {hash} became {h})"
            )),
            Some(_) => {}
        }
    }
    let before_ids: std::collections::HashSet<_> =
        before.children.iter().map(|(c, _)| *c).collect();
    for (child, _) in &after.children {
        if !before_ids.contains(child) {
            failures.push(format!(
                "child {child} appeared in scope during the transfer"
            ));
        }
    }
    checks.push(Check {
        name: format!(
            "Child records in scope: {} before, {} after, same ids and content",
            before.children.len(),
            after.children.len()
        ),
        passed: failures.is_empty(),
        compared: before.children.len(),
        failures,
    });

    // 2. Staff: everyone in a moving post on the day is employed by the new provider,
    //    and nobody was lost or added.
    let mut failures = Vec::new();
    let who = |s: &ScopeSnapshot| {
        s.employers
            .iter()
            .map(|(staff, post, _)| (*staff, *post))
            .collect::<Vec<_>>()
    };
    if who(&before) != who(&after) {
        failures.push(format!(
            "{} people were in the moving posts before and {} after",
            before.employers.len(),
            after.employers.len()
        ));
    }
    for (staff, post, employer) in &after.employers {
        if *employer != request.to {
            failures.push(format!(
                "staff {staff} in post {post} is employed by organisation {employer}"
            ));
        }
    }
    checks.push(Check {
        name: "Staff in moving posts are employed by the new provider".into(),
        passed: failures.is_empty(),
        compared: after.employers.len(),
        failures,
    });

    // 3. Provision: each moved service is provided by the new provider on the day.
    let failures: Vec<String> = after
        .providers
        .iter()
        .filter(|(_, provider)| *provider != Some(request.to))
        .map(|(service, provider)| match provider {
            Some(p) => format!("service {service} is provided by organisation {p}"),
            None => format!("service {service} has no provider"),
        })
        .collect();
    checks.push(Check {
        name: "Each moved service is provided by the new provider".into(),
        passed: failures.is_empty(),
        compared: after.providers.len(),
        failures,
    });

    // 4. Access follows provision: after, everyone in a moving post works for the
    //    provider of its service (so can open its records) and nobody employed by the
    //    old provider remains in one (so nobody keeps access through the old employer).
    let failures: Vec<String> = after
        .employers
        .iter()
        .filter(|(_, _, employer)| *employer == request.from || !after.providers.iter().any(|(_, p)| *p == Some(*employer)))
        .map(|(staff, post, employer)| {
            format!("staff {staff} in post {post} works for organisation {employer}, which does not provide the service")
        })
        .collect();
    checks.push(Check {
        name: "Access follows provision: only the new provider's staff can open the moved services' records".into(),
        passed: failures.is_empty(),
        compared: after.employers.len(),
        failures,
    });

    Reconciliation {
        plan,
        checks,
        before: ScopeSummary::of(&before),
        after: ScopeSummary::of(&after),
    }
}

/// What a plan would do, for the dry run and the plan page.
#[derive(Debug, Clone)]
pub struct TransferPreview {
    /// The plan.
    pub plan: TransferPlanRecord,
    /// Its instrument.
    pub instrument: Instrument,
    /// The provider the services leave.
    pub from: Organisation,
    /// The provider they go to.
    pub to: Organisation,
    /// The services.
    pub services: Vec<Service>,
    /// The rows execution would write (None once executed or cancelled, or when the
    /// plan can no longer be carried out: see `problem`).
    pub moves: Option<TransferMoves>,
    /// Why the plan cannot be executed as it stands, if so.
    pub problem: Option<String>,
    /// Posts that move, with their team's name.
    pub posts: Vec<(Post, String)>,
    /// People who change employer, with their post.
    pub staff: Vec<(StaffMember, Post)>,
    /// Child records in the moved services' scope.
    pub children_in_scope: usize,
    /// Restricted records among them, each with the sign-in names of the people named
    /// on it (they keep access whoever provides the service; nobody else gains it).
    pub restricted_in_scope: Vec<(carebridge_domain::ChildId, Vec<String>)>,
    /// How access changes on the effective date (empty unless the plan is a draft that
    /// can be executed).
    pub access: Vec<AccessChange>,
    /// The open cases on the effective date and the work due on them within 28 days.
    pub due: DueAtTransfer,
}

/// What happens to one person's access to the moved services' records on the
/// effective date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessChange {
    /// Who.
    pub staff: StaffMember,
    /// Their post in a moving team.
    pub post: Post,
    /// Keeps, loses or gains access.
    pub change: AccessChangeKind,
    /// How many children's records they can open through this post: the day before
    /// for those who lose access, on the day for the others.
    pub records: i64,
}

/// Keeps, loses or gains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessChangeKind {
    /// Moves with the service and keeps access, now through the new provider.
    Keeps,
    /// Could open the records the day before and cannot on the day (their employment
    /// with the old provider ends and does not move).
    Loses,
    /// Could not the day before and can on the day (starts with the new provider on
    /// the day).
    Gains,
}

impl AccessChangeKind {
    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            AccessChangeKind::Keeps => "Keeps access, through the new provider",
            AccessChangeKind::Loses => "Loses access",
            AccessChangeKind::Gains => "Gains access",
        }
    }
}

impl App {
    /// Loads what the transfer rule reads and works out the moves (the rows execution
    /// would write). Reads provision, posts and employments only.
    pub async fn transfer_moves(
        &self,
        request: &TransferRequest,
    ) -> Result<TransferMoves, AppError> {
        let directory = self.directory().await?;
        let instrument = directory
            .instrument(request.instrument)
            .cloned()
            .ok_or(AppError::NotFound("instrument"))?;
        let mut services = Vec::new();
        for id in &request.services {
            let service = directory
                .service(*id)
                .cloned()
                .ok_or(AppError::NotFound("service"))?;
            let periods = self.store().provision_of(*id).await?;
            let history =
                ProvisionHistory::new(&service.name, periods, |o| directory.short_name(o))?;
            services.push((service, history));
        }
        let teams = self.store().teams().await?;
        let posts = self.store().all_posts().await?;
        let employments = self.store().employments().await?;
        let chosen: Vec<(&Service, &ProvisionHistory)> =
            services.iter().map(|(s, h)| (s, h)).collect();
        Ok(plan_moves(
            request,
            &instrument,
            &chosen,
            Workforce {
                teams: &teams,
                posts: &posts,
                employments: &employments,
            },
            |o| {
                directory
                    .organisation(o)
                    .map_or_else(|| o.to_string(), |o| o.name.clone())
            },
        )?)
    }

    /// Plans a transfer: checks it can be carried out as things stand and that no other
    /// draft plan covers the same services, then stores it as a draft.
    pub async fn plan_transfer(
        &self,
        request: &TransferRequest,
        by: &str,
    ) -> Result<TransferPlanId, AppError> {
        if request.title.trim().is_empty() {
            return Err(DomainError::invalid(
                "title",
                "give the plan a title people will recognise",
            )
            .into());
        }
        for other in self.store().transfer_plans().await? {
            if other.status == PlanStatus::Draft {
                if let Some(s) = other
                    .request
                    .services
                    .iter()
                    .find(|s| request.services.contains(s))
                {
                    let name = self
                        .store()
                        .service(*s)
                        .await?
                        .map_or_else(|| s.to_string(), |s| s.name);
                    return Err(DomainError::TransferConflict(format!(
                        "draft plan {} ({}) already moves {name}: cancel or execute it first",
                        other.id, other.request.title
                    ))
                    .into());
                }
            }
        }
        self.transfer_moves(request).await?;
        let authority = self
            .store()
            .authority()
            .await?
            .ok_or(AppError::NotFound("authority"))?;
        Ok(self
            .store()
            .create_transfer_plan(authority.id, request, by, self.clock().now())
            .await?)
    }

    /// Every plan, newest first.
    pub async fn transfer_plans(&self) -> Result<Vec<TransferPlanRecord>, AppError> {
        Ok(self.store().transfer_plans().await?)
    }

    async fn plan(&self, id: TransferPlanId) -> Result<TransferPlanRecord, AppError> {
        self.store()
            .transfer_plan(id)
            .await?
            .ok_or(AppError::NotFound("transfer plan"))
    }

    /// The dry run: what executing the plan would write, as things stand. Writes nothing.
    pub async fn preview_transfer(&self, id: TransferPlanId) -> Result<TransferPreview, AppError> {
        let plan = self.plan(id).await?;
        let directory = self.directory().await?;
        let org = |o: OrganisationId| {
            directory
                .organisation(o)
                .cloned()
                .ok_or(AppError::NotFound("organisation"))
        };
        let instrument = directory
            .instrument(plan.request.instrument)
            .cloned()
            .ok_or(AppError::NotFound("instrument"))?;
        let services = plan
            .request
            .services
            .iter()
            .filter_map(|s| directory.service(*s).cloned())
            .collect();
        let (moves, problem) = match plan.status {
            PlanStatus::Draft => match self.transfer_moves(&plan.request).await {
                Ok(m) => (Some(m), None),
                Err(AppError::Invalid(e)) => (None, Some(e.to_string())),
                Err(e) => return Err(e),
            },
            _ => (None, None),
        };
        let all_posts = self.store().all_posts().await?;
        let teams = self.store().teams().await?;
        let team_name = |t| {
            teams
                .iter()
                .find(|x| x.id == t)
                .map(|x| x.name.clone())
                .unwrap_or_default()
        };
        let mut posts = Vec::new();
        let mut staff = Vec::new();
        if let Some(m) = &moves {
            for p in all_posts.iter().filter(|p| m.posts.contains(&p.id)) {
                posts.push((p.clone(), team_name(p.team)));
            }
            for e in &m.employments {
                if let (Some(person), Some(post)) = (
                    self.store().staff_member(e.open.staff).await?,
                    all_posts.iter().find(|p| p.id == e.open.post),
                ) {
                    staff.push((person, post.clone()));
                }
            }
        }
        let access = match &moves {
            Some(m) => {
                self.access_changes(&plan.request, m, &all_posts, &teams)
                    .await?
            }
            None => Vec::new(),
        };
        let in_scope = self
            .store()
            .scope_snapshot(&plan.request.services, plan.request.effective_from)
            .await?
            .children;
        let children_in_scope = in_scope.len();
        let users = self.store().users().await?;
        let mut restricted_in_scope = Vec::new();
        for r in self.store().restrictions().await? {
            if in_scope.binary_search_by_key(&r.child, |(c, _)| *c).is_ok() {
                let named = r
                    .named
                    .iter()
                    .filter_map(|u| users.iter().find(|x| x.id == *u))
                    .map(|u| u.username.clone())
                    .collect();
                restricted_in_scope.push((r.child, named));
            }
        }
        restricted_in_scope.sort();
        let due = self.due_at_transfer(&plan.request).await?;
        Ok(TransferPreview {
            from: org(plan.request.from)?,
            to: org(plan.request.to)?,
            plan,
            instrument,
            services,
            moves,
            problem,
            posts,
            staff,
            children_in_scope,
            restricted_in_scope,
            access,
            due,
        })
    }

    /// The open cases of the plan's services on the effective date, and the statutory
    /// work due on them from then to 28 days after (and overdue by then), worked out as
    /// at the effective date with the same clocks as a child's page ([`crate::casefile::due_on`]).
    ///
    /// Like the restricted records and the scope counts beside it, this is the
    /// planning view of a person who may manage transfers: counts, child ids, duties
    /// and dates, never names or what a record says, read without opening any record
    /// (so without an audit entry per child).
    pub async fn due_at_transfer(
        &self,
        request: &TransferRequest,
    ) -> Result<DueAtTransfer, AppError> {
        let day = request.effective_from;
        let open = self.store().open_casefiles(&request.services, day).await?;
        let directory = self.directory().await?;
        let teams = self.store().teams().await?;
        let service_name = |id| {
            directory
                .service(id)
                .map_or_else(|| id.to_string(), |s| s.name.clone())
        };
        let team_name = |id: Option<carebridge_domain::TeamId>| {
            id.and_then(|id| teams.iter().find(|t| t.id == id))
                .map_or_else(|| "No team".to_owned(), |t| t.name.clone())
        };
        let mut workers = std::collections::HashMap::new();
        for staff in open.iter().filter_map(|o| o.allocated) {
            if let std::collections::hash_map::Entry::Vacant(slot) = workers.entry(staff) {
                let name = self.store().staff_member(staff).await?;
                slot.insert(name.map(|p| p.full_name()));
            }
        }
        let clocks = crate::casefile::DueClocks::around(day)?;
        let mut by_team: std::collections::BTreeMap<(usize, String), TeamDue> =
            std::collections::BTreeMap::new();
        let mut items = Vec::new();
        for case in &open {
            let r = &case.record;
            let service = service_name(case.held.service);
            let team = team_name(case.held.team);
            let order = request
                .services
                .iter()
                .position(|s| *s == case.held.service)
                .unwrap_or(usize::MAX);
            let line = by_team
                .entry((order, team.clone()))
                .or_insert_with(|| TeamDue {
                    service: service.clone(),
                    team: team.clone(),
                    open_cases: 0,
                    due: 0,
                    overdue: 0,
                });
            line.open_cases += 1;
            for item in clocks.due(
                r.child.date_of_birth,
                &r.involvements,
                &r.events,
                &r.notes,
                day,
            )? {
                if !due_around_transfer(&item, day) {
                    continue;
                }
                if matches!(item.status, Status::Overdue { .. }) {
                    line.overdue += 1;
                } else {
                    line.due += 1;
                }
                items.push(PlannedDue {
                    child: r.child.id,
                    service: service.clone(),
                    team: team.clone(),
                    allocated: case
                        .allocated
                        .and_then(|s| workers.get(&s).cloned().flatten()),
                    item,
                });
            }
        }
        items.sort_by_key(|d| {
            (
                !matches!(d.item.status, Status::Overdue { .. }),
                d.item.due,
                d.child,
            )
        });
        Ok(DueAtTransfer {
            until: day.checked_add_days(chrono::Days::new(DUE_WINDOW_DAYS)),
            teams: by_team.into_values().collect(),
            items,
        })
    }

    /// The plan's task list (see `carebridge_domain::transfer_tasks`), from its dry run,
    /// its TUPE checklist and, once executed, its report.
    pub async fn transfer_tasks(
        &self,
        preview: &TransferPreview,
    ) -> Result<Vec<TaskSection>, AppError> {
        let plan = &preview.plan;
        let checklist = self.tupe_checklist(plan.id).await?;
        let report = match plan.status {
            PlanStatus::Executed => {
                let r = self.transfer_report(plan.id).await?;
                Some((
                    r.checks.iter().filter(|c| !c.passed).count(),
                    r.checks.len(),
                ))
            }
            _ => None,
        };
        let dry_run = preview.moves.as_ref().map(|m| DryRunCounts {
            services: m.provision.len(),
            teams: m.teams.len(),
            posts: m.posts.len(),
            staff: preview.staff.len(),
            open_cases: preview.due.open_cases(),
            due: preview.due.due(),
            overdue: preview.due.overdue(),
            restricted: preview.restricted_in_scope.len(),
            loses: preview
                .access
                .iter()
                .filter(|a| a.change == AccessChangeKind::Loses)
                .count(),
            gains: preview
                .access
                .iter()
                .filter(|a| a.change == AccessChangeKind::Gains)
                .count(),
        });
        Ok(plan_tasks(&PlanFacts {
            status: plan.status,
            effective_from: plan.request.effective_from,
            today: self.clock().today(),
            problem: preview.problem.as_deref(),
            dry_run,
            checklist: &checklist,
            decided: plan
                .decided
                .as_ref()
                .map(|(who, at)| (who.as_str(), at.date_naive())),
            report,
        }))
    }

    /// Who keeps, loses and gains access to the moved services' records on the
    /// effective date, with how many records each can open (see `carebridge_domain::access`).
    async fn access_changes(
        &self,
        request: &TransferRequest,
        moves: &TransferMoves,
        posts: &[Post],
        teams: &[carebridge_domain::staff::Team],
    ) -> Result<Vec<AccessChange>, AppError> {
        let day = request.effective_from;
        let eve = carebridge_domain::dates::day_before(day);
        let open_on = |counts: &[(carebridge_domain::ServiceId, i64)], service| {
            counts
                .iter()
                .find(|(s, _)| *s == service)
                .map_or(0, |(_, n)| *n)
        };
        let on_day = self.store().children_with_open_work(day).await?;
        let on_eve = self.store().children_with_open_work(eve).await?;
        let service_of = |post: &Post| teams.iter().find(|t| t.id == post.team).map(|t| t.service);
        let movers: Vec<_> = moves.employments.iter().map(|m| m.close).collect();
        let mut changes = Vec::new();
        for e in self.store().employments().await? {
            let Some(post) = posts
                .iter()
                .find(|p| p.id == e.post && moves.posts.contains(&p.id))
            else {
                continue;
            };
            let Some(service) = service_of(post) else {
                continue;
            };
            let (change, records) = if movers.contains(&e.id) {
                (AccessChangeKind::Keeps, open_on(&on_day, service))
            } else if e.employer == request.from
                && e.period.contains(eve)
                && !e.period.contains(day)
            {
                (AccessChangeKind::Loses, open_on(&on_eve, service))
            } else if e.employer == request.to && e.period.start() == day {
                (AccessChangeKind::Gains, open_on(&on_day, service))
            } else {
                continue;
            };
            if let Some(staff) = self.store().staff_member(e.staff).await? {
                changes.push(AccessChange {
                    staff,
                    post: post.clone(),
                    change,
                    records,
                });
            }
        }
        changes.sort_by_key(|c| {
            (
                c.change as u8,
                c.staff.family_name.clone(),
                c.staff.given_name.clone(),
            )
        });
        Ok(changes)
    }

    /// Executes a draft plan on or after its effective date, in one transaction, then
    /// writes and returns its reconciliation report.
    pub async fn execute_transfer(
        &self,
        id: TransferPlanId,
        by: &str,
    ) -> Result<Reconciliation, AppError> {
        let plan = self.plan(id).await?;
        if plan.status != PlanStatus::Draft {
            return Err(AppError::Conflict(format!(
                "transfer plan {id} is {}: an executed plan is reversed only by a new plan",
                plan.status.label().to_lowercase()
            )));
        }
        let today = self.clock().today();
        if today < plan.request.effective_from {
            return Err(DomainError::invalid(
                "effective date",
                format!(
                    "plan {id} takes effect on {}; it can be executed on or after that day, not on {today}",
                    plan.request.effective_from
                ),
            )
            .into());
        }
        let moves = self.transfer_moves(&plan.request).await?;
        let request = plan.request.clone();
        let scope = (
            plan.request.services.as_slice(),
            plan.request.effective_from,
        );
        let report = self
            .store()
            .execute_transfer_reconciled(
                id,
                &moves,
                by,
                self.clock().now(),
                scope,
                move |before, after| {
                    let report = reconcile(id, &request, before, after);
                    let json = serde_json::to_string(&report).map_err(|e| {
                        carebridge_store::StoreError::Corrupt {
                            what: "reconciliation report",
                            problem: e.to_string(),
                        }
                    })?;
                    Ok((report, json))
                },
            )
            .await?;
        Ok(report)
    }

    /// Records a step of the TUPE process as done on a day.
    pub async fn record_tupe_step(
        &self,
        id: TransferPlanId,
        step: &carebridge_domain::tupe::TupeStep,
        by: &str,
    ) -> Result<(), AppError> {
        self.plan(id).await?;
        if step.done_on > self.clock().today() {
            return Err(DomainError::invalid(
                "date",
                format!(
                    "{} is in the future: record a step once it has been done",
                    step.done_on
                ),
            )
            .into());
        }
        if step.notes.chars().count() > 4000 {
            return Err(DomainError::invalid("notes", "must be 4,000 characters or fewer").into());
        }
        Ok(self
            .store()
            .add_tupe_step(id, step, by, self.clock().now())
            .await?)
    }

    /// The TUPE checklist of a plan, as it stands today.
    pub async fn tupe_checklist(
        &self,
        id: TransferPlanId,
    ) -> Result<Vec<carebridge_domain::tupe::ChecklistItem>, AppError> {
        let plan = self.plan(id).await?;
        let instrument = self
            .store()
            .instrument(plan.request.instrument)
            .await?
            .ok_or(AppError::NotFound("instrument"))?;
        let steps = self.store().tupe_steps(id).await?;
        Ok(carebridge_domain::tupe::checklist(
            plan.request.effective_from,
            &instrument,
            &steps,
            self.clock().today(),
        ))
    }

    /// Cancels a draft plan.
    pub async fn cancel_transfer(&self, id: TransferPlanId, by: &str) -> Result<(), AppError> {
        self.plan(id).await?;
        Ok(self
            .store()
            .cancel_transfer_plan(id, by, self.clock().now())
            .await?)
    }

    /// The reconciliation report of an executed plan.
    pub async fn transfer_report(&self, id: TransferPlanId) -> Result<Reconciliation, AppError> {
        let text = self
            .store()
            .transfer_report(id)
            .await?
            .ok_or(AppError::NotFound(
                "reconciliation report (the plan has not been executed)",
            ))?;
        serde_json::from_str(&text)
            .map_err(|e| AppError::Internal(format!("stored report of plan {id}: {e}")))
    }
}
