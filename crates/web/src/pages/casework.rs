//! Casework pages: caseloads (mine, a worker's, a team's), a case with its allocation
//! history, the allocate/move form and the close form. Each handler calls one use case
//! in `carebridge_app::casework`, which asks the policy and writes the audit entry in
//! the same transaction as the read or write.
//!
//! Forms follow the GOV.UK patterns: every field that is wrong is listed in an error
//! summary linking to it and marked at the field, what was typed is kept, and nothing
//! is saved until the whole form is right.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::Form;
use carebridge_app::casework::{AllocationInput, CaseView, CaseloadView};
use carebridge_app::AppError;
use carebridge_domain::casework::{ClosureReason, WorkerChange};
use carebridge_domain::{DomainError, InvolvementId, StaffId, TeamId};
use carebridge_policy::{CaseAction, CaseloadOf};
use chrono::NaiveDate;
use serde::Deserialize;

use super::{form_page, render, see_other, Chrome};
use crate::format::{Day, Until};
use crate::session::Session;
use crate::{AppState, WebError};

/// Renders an error in the signed-in chrome.
fn failed(session: &Session, e: impl Into<WebError>) -> Response {
    e.into().page(Chrome::for_session(session, "caseloads"))
}

fn case_id(text: &str) -> Result<InvolvementId, WebError> {
    text.parse()
        .map(InvolvementId)
        .map_err(|_| WebError::NotFound)
}

/// One problem with a form: the id of the field to go to, and what to do.
#[derive(Debug, Clone)]
pub(crate) struct FieldError {
    pub id: &'static str,
    pub message: String,
}

/// A form's problems, in the order of the fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    fn add(&mut self, id: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            id,
            message: message.into(),
        });
    }

    /// The message for a field, if it has one.
    pub fn on(&self, id: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// A domain refusal as a field error: the field it names, in a sentence.
fn domain_error(
    e: &DomainError,
    field_ids: &[(&str, &'static str)],
    fallback: &'static str,
) -> FieldError {
    match e {
        DomainError::Invalid { field, problem } => {
            let id = field_ids
                .iter()
                .find(|(f, _)| f == field)
                .map_or(fallback, |(_, id)| id);
            let message = if problem.starts_with("must ") {
                format!("{} {problem}", capitalise(field))
            } else {
                capitalise(problem)
            };
            FieldError { id, message }
        }
        other => FieldError {
            id: fallback,
            message: capitalise(&other.to_string()),
        },
    }
}

/// Reads a GOV.UK date input's three fields; the error says what is wrong.
fn read_date(what: &str, day: &str, month: &str, year: &str) -> Result<NaiveDate, String> {
    let (day, month, year) = (day.trim(), month.trim(), year.trim());
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Err(format!("Enter the {what}"));
    }
    if day.is_empty() || month.is_empty() || year.is_empty() {
        return Err(format!("The {what} must include a day, month and year"));
    }
    match (
        day.parse::<u32>(),
        month.parse::<u32>(),
        year.parse::<i32>(),
    ) {
        (Ok(d), Ok(m), Ok(y)) if (1900..=2100).contains(&y) => NaiveDate::from_ymd_opt(y, m, d)
            .ok_or_else(|| format!("The {what} must be a real date")),
        _ => Err(format!(
            "The {what} must be a real date, written in numbers, like 1 4 2022"
        )),
    }
}

// --- Caseloads ---------------------------------------------------------------------

#[derive(Debug, Clone)]
struct CaseLine {
    case: i64,
    child: i64,
    name: String,
    kind: &'static str,
    since: Day,
    worker: String,
    worker_id: i64,
    team: String,
    team_id: i64,
    opened: Day,
}

#[derive(Template)]
#[template(path = "caseload.html")]
struct CaseloadPage {
    chrome: Chrome,
    heading: String,
    caption: &'static str,
    is_team: bool,
    total: i64,
    by_kind: Vec<(&'static str, i64)>,
    cases: Vec<CaseLine>,
    listed_all: bool,
    teams: Vec<(i64, String)>,
}

fn caseload_page(session: &Session, view: CaseloadView, own: bool) -> Result<Response, WebError> {
    let is_team = matches!(view.of, CaseloadOf::Team(_));
    let heading = if own {
        "My caseload".to_owned()
    } else if is_team {
        format!("{} caseload", view.name)
    } else {
        format!("Caseload of {}", view.name)
    };
    let cases: Vec<CaseLine> = view
        .caseload
        .entries
        .iter()
        .map(|e| CaseLine {
            case: e.case.id.0,
            child: e.child.id.0,
            name: format!("{} {}", e.child.given_name, e.child.family_name),
            kind: e.case.kind.label(),
            since: Day(e.since),
            worker: e.worker_name.clone(),
            worker_id: e.worker.0,
            team: e.team_name.clone(),
            team_id: e.team.0,
            opened: Day(e.case.period.start()),
        })
        .collect();
    render(&CaseloadPage {
        chrome: Chrome::for_session(session, "caseloads"),
        heading,
        caption: if is_team { "Team caseload" } else { "Caseload" },
        is_team,
        total: view.caseload.total,
        by_kind: view
            .caseload
            .by_kind
            .iter()
            .map(|(k, n)| (k.label(), *n))
            .collect(),
        listed_all: i64::try_from(cases.len()).unwrap_or(i64::MAX) >= view.caseload.total,
        cases,
        teams: view
            .teams
            .iter()
            .map(|t| (t.id.0, t.name.clone()))
            .collect(),
    })
}

/// The signed-in person's own caseload (with links to the teams they manage).
pub(crate) async fn mine(
    session: Session,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    match state
        .app
        .caseload(&session.actor, &session.meta, None)
        .await
    {
        Ok(view) => caseload_page(&session, view, true),
        Err(e) => Ok(failed(&session, e)),
    }
}

/// A worker's caseload.
pub(crate) async fn of_staff(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let staff: StaffId = id.parse().map(StaffId).map_err(|_| WebError::NotFound)?;
    let own = session.actor.staff == Some(staff);
    match state
        .app
        .caseload(
            &session.actor,
            &session.meta,
            Some(CaseloadOf::Staff(staff)),
        )
        .await
    {
        Ok(view) => caseload_page(&session, view, own),
        Err(e) => Ok(failed(&session, e)),
    }
}

/// A team's caseload.
pub(crate) async fn of_team(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let team: TeamId = id.parse().map(TeamId).map_err(|_| WebError::NotFound)?;
    match state
        .app
        .caseload(&session.actor, &session.meta, Some(CaseloadOf::Team(team)))
        .await
    {
        Ok(view) => caseload_page(&session, view, false),
        Err(e) => Ok(failed(&session, e)),
    }
}

// --- A case ------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct AllocationLine {
    worker: String,
    team: String,
    from: Day,
    to: Until,
    by: String,
    reason: String,
    /// Why the child's social worker changed, in words.
    change: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    id: i64,
    child: i64,
    name: String,
    kind: &'static str,
    service: String,
    opened: Day,
    closed: Option<Day>,
    closure: Option<String>,
    current: Option<String>,
    history: Vec<AllocationLine>,
    may_manage: bool,
}

/// The case's details shared by its pages.
struct CaseSummary {
    id: i64,
    child: i64,
    name: String,
    kind: &'static str,
    service: String,
    open: bool,
    current: Option<String>,
}

fn summary(view: &CaseView) -> CaseSummary {
    let r = &view.record;
    CaseSummary {
        id: r.case.id.0,
        child: r.child.id.0,
        name: format!("{} {}", r.child.given_name, r.child.family_name),
        kind: r.case.kind.label(),
        service: r.service_name.clone(),
        open: r.case.period.end().is_none(),
        current: r
            .allocations
            .iter()
            .find(|a| a.allocation.period.end().is_none())
            .map(|a| format!("{} ({})", a.worker, a.team_name)),
    }
}

/// A case: its child, kind, service, who holds it and who held it before.
pub(crate) async fn show(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let case = case_id(&id)?;
    let view = match state.app.case(&session.actor, &session.meta, case).await {
        Ok(view) => view,
        Err(e) => return Ok(failed(&session, e)),
    };
    let s = summary(&view);
    let r = &view.record;
    render(&CasePage {
        chrome: Chrome::for_session(&session, "caseloads"),
        id: s.id,
        child: s.child,
        name: s.name,
        kind: s.kind,
        service: s.service,
        opened: Day(r.case.period.start()),
        closed: r.case.period.end().map(Day),
        closure: r
            .closure
            .as_ref()
            .map(|c| format!("{} – {}", c.reason.code(), c.reason.label())),
        current: s.current,
        history: r
            .allocations
            .iter()
            .rev()
            .map(|a| AllocationLine {
                worker: a.worker.clone(),
                team: a.team_name.clone(),
                from: Day(a.allocation.period.start()),
                to: Until(a.allocation.period.end()),
                by: a.allocated_by.clone(),
                reason: a.reason.clone(),
                change: a.change.map(WorkerChange::label),
            })
            .collect(),
        may_manage: view.may_manage && s.open,
    })
}

// --- Allocate or move a case ---------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct AllocationForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    worker: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    from_day: String,
    #[serde(default)]
    from_month: String,
    #[serde(default)]
    from_year: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    change: String,
}

impl AllocationForm {
    /// Reads the form: the allocation asked for, or every field's problem.
    pub(crate) fn read(&self) -> Result<AllocationInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let worker = self.worker.trim().parse::<i64>().ok().map(StaffId);
        if worker.is_none() {
            errors.add("worker", "Select the worker who will hold the case");
        }
        let team = self.team.trim().parse::<i64>().ok().map(TeamId);
        if team.is_none() {
            errors.add("team", "Select the team that will hold the case");
        }
        let from = read_date(
            "start date",
            &self.from_day,
            &self.from_month,
            &self.from_year,
        )
        .map_err(|m| errors.add("from_day", m))
        .ok();
        if self.reason.trim().is_empty() {
            errors.add("reason", "Enter why the case is allocated to this worker");
        }
        let change = WorkerChange::parse(&self.change).ok();
        if change.is_none() {
            errors.add("change", "Select why the child's social worker changed");
        }
        match (worker, team, from, change, errors.is_empty()) {
            (Some(worker), Some(team), Some(starts_on), Some(change), true) => {
                Ok(AllocationInput {
                    worker,
                    team,
                    starts_on,
                    reason: self.reason.clone(),
                    change,
                })
            }
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "case_allocate.html")]
struct AllocatePage {
    chrome: Chrome,
    case: CaseSummary,
    workers: Vec<(i64, String)>,
    teams: Vec<(i64, String)>,
    /// The DfE's reasons for a change of social worker: code and words.
    changes: Vec<(&'static str, &'static str)>,
    form: AllocationForm,
    errors: FieldErrors,
}

async fn allocate_page(
    session: &Session,
    state: &AppState,
    case: InvolvementId,
    form: AllocationForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let view = match state.app.case(&session.actor, &session.meta, case).await {
        Ok(view) => view,
        Err(e) => return Ok(failed(session, e)),
    };
    let (teams, workers) = match state
        .app
        .allocation_choices(&session.actor, view.record.case.service)
        .await
    {
        Ok(choices) => choices,
        Err(e) => return Ok(failed(session, e)),
    };
    let team_name = |id: TeamId| {
        teams
            .iter()
            .find(|t| t.id == id)
            .map_or_else(String::new, |t| t.name.clone())
    };
    let mut form = form;
    if form.team.is_empty() && errors.is_empty() {
        form.team = view
            .record
            .case
            .team
            .map(|t| t.0.to_string())
            .unwrap_or_default();
    }
    let page = AllocatePage {
        chrome: Chrome::for_session(session, "caseloads"),
        case: summary(&view),
        workers: workers
            .iter()
            .map(|w| {
                (
                    w.staff.0,
                    format!("{} – {}, {}", w.name, w.title, team_name(w.team)),
                )
            })
            .collect(),
        teams: teams.iter().map(|t| (t.id.0, t.name.clone())).collect(),
        changes: WorkerChange::ALL
            .iter()
            .map(|c| (c.code(), c.label()))
            .collect(),
        form,
        errors,
    };
    form_page(&page, !page.errors.is_empty())
}

/// The form to allocate a case, or move it to another worker or team.
pub(crate) async fn allocate_form(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if let Err(e) = state
        .app
        .authorise_case_action(&session.actor, CaseAction::Allocate)
    {
        return Ok(failed(&session, e));
    }
    let case = case_id(&id)?;
    allocate_page(
        &session,
        &state,
        case,
        AllocationForm::default(),
        FieldErrors::default(),
    )
    .await
}

/// Allocates the case (or moves it), or shows the form again with what is wrong.
pub(crate) async fn allocate(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<AllocationForm>,
) -> Result<Response, WebError> {
    session.check_csrf(&form.csrf_token)?;
    if let Err(e) = state
        .app
        .authorise_case_action(&session.actor, CaseAction::Allocate)
    {
        return Ok(failed(&session, e));
    }
    let case = case_id(&id)?;
    let input = match form.read() {
        Ok(input) => input,
        Err(errors) => return allocate_page(&session, &state, case, form, errors).await,
    };
    let mut errors = FieldErrors::default();
    match state
        .app
        .allocate_case(&session.actor, &session.meta, case, &input)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/cases/{}", case.0))),
        Err(AppError::Invalid(e)) => {
            errors.0.push(domain_error(
                &e,
                &[
                    ("worker", "worker"),
                    ("team", "team"),
                    ("start date", "from_day"),
                    ("reason", "reason"),
                ],
                "worker",
            ));
            allocate_page(&session, &state, case, form, errors).await
        }
        Err(AppError::Conflict(message)) => {
            errors.add("from_day", capitalise(&message));
            allocate_page(&session, &state, case, form, errors).await
        }
        Err(e) => Ok(failed(&session, e)),
    }
}

// --- Close a case --------------------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct CloseForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    closure_reason: String,
    #[serde(default)]
    closed_day: String,
    #[serde(default)]
    closed_month: String,
    #[serde(default)]
    closed_year: String,
}

impl CloseForm {
    /// Reads the form: the reason and last day, or every field's problem.
    pub(crate) fn read(&self) -> Result<(ClosureReason, NaiveDate), FieldErrors> {
        let mut errors = FieldErrors::default();
        let reason = ClosureReason::parse(&self.closure_reason)
            .map_err(|e| errors.0.push(domain_error(&e, &[], "closure_reason")))
            .ok();
        let last_day = read_date(
            "closure date",
            &self.closed_day,
            &self.closed_month,
            &self.closed_year,
        )
        .map_err(|m| errors.add("closed_day", m))
        .ok();
        match (reason, last_day) {
            (Some(reason), Some(last_day)) => Ok((reason, last_day)),
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "case_close.html")]
struct ClosePage {
    chrome: Chrome,
    case: CaseSummary,
    reasons: Vec<(&'static str, &'static str)>,
    form: CloseForm,
    errors: FieldErrors,
}

async fn close_page(
    session: &Session,
    state: &AppState,
    case: InvolvementId,
    form: CloseForm,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let view = match state.app.case(&session.actor, &session.meta, case).await {
        Ok(view) => view,
        Err(e) => return Ok(failed(session, e)),
    };
    let page = ClosePage {
        chrome: Chrome::for_session(session, "caseloads"),
        case: summary(&view),
        reasons: ClosureReason::ALL
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect(),
        form,
        errors,
    };
    form_page(&page, !page.errors.is_empty())
}

/// The form to close a case.
pub(crate) async fn close_form(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if let Err(e) = state
        .app
        .authorise_case_action(&session.actor, CaseAction::Close)
    {
        return Ok(failed(&session, e));
    }
    let case = case_id(&id)?;
    close_page(
        &session,
        &state,
        case,
        CloseForm::default(),
        FieldErrors::default(),
    )
    .await
}

/// Closes the case, or shows the form again with what is wrong.
pub(crate) async fn close(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<CloseForm>,
) -> Result<Response, WebError> {
    session.check_csrf(&form.csrf_token)?;
    if let Err(e) = state
        .app
        .authorise_case_action(&session.actor, CaseAction::Close)
    {
        return Ok(failed(&session, e));
    }
    let case = case_id(&id)?;
    let (reason, last_day) = match form.read() {
        Ok(read) => read,
        Err(errors) => return close_page(&session, &state, case, form, errors).await,
    };
    let mut errors = FieldErrors::default();
    match state
        .app
        .close_case(&session.actor, &session.meta, case, reason, last_day)
        .await
    {
        Ok(()) => Ok(see_other(&format!("/cases/{}", case.0))),
        Err(AppError::Invalid(e)) => {
            errors.0.push(domain_error(
                &e,
                &[
                    ("closure reason", "closure_reason"),
                    ("closure date", "closed_day"),
                ],
                "closure_reason",
            ));
            close_page(&session, &state, case, form, errors).await
        }
        Err(e) => Ok(failed(&session, e)),
    }
}
