//! Transfers of services between providers: the list, planning one, the plan's task
//! list (the GOV.UK pattern: check the plan, review the dry run, the TUPE steps,
//! execute, the reconciliation report), each task's page, and the report (page and
//! CSV).
//!
//! Directors and service managers only; anyone else gets the 403 page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use carebridge_app::transfer::{Reconciliation, TeamDue, TransferPreview};
use carebridge_app::AppError;
use carebridge_domain::transfer::{PlanStatus, TransferRequest};
use carebridge_domain::transfer_tasks::{Task, TaskPlace, TaskStatus};
use carebridge_domain::tupe::{ItemStatus, TupeStep, TupeStepKind};
use carebridge_domain::{InstrumentId, OrganisationId, ServiceId, TransferPlanId};
use chrono::NaiveDate;
use serde::Deserialize;

use super::{render, see_other, Chrome};
use crate::format::Day;
use crate::session::Session;
use crate::{AppState, WebError};
use carebridge_policy::AuthorityAction;

/// The 403 page for anyone whose role may not manage transfers; None for those who may.
pub(crate) fn refused(session: &Session) -> Option<Response> {
    super::refused(session, AuthorityAction::ManageTransfers, "transfers")
}

fn plan_id(text: &str) -> Result<TransferPlanId, WebError> {
    text.parse().map_err(|_| WebError::NotFound)
}

#[derive(Debug, Clone)]
struct PlanLine {
    id: i64,
    title: String,
    status: &'static str,
    effective: Day,
    from: String,
    to: String,
}

#[derive(Template)]
#[template(path = "transfers.html")]
struct ListPage {
    chrome: Chrome,
    plans: Vec<PlanLine>,
    recorded: Option<String>,
}

/// The list's query: the instrument just recorded, if any.
#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    recorded: Option<String>,
}

pub(crate) async fn list(
    session: Session,
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session) {
        return Ok(page);
    }
    let directory = state.app.directory().await?;
    let plans = state
        .app
        .transfer_plans()
        .await?
        .into_iter()
        .map(|p| PlanLine {
            id: p.id.0,
            title: p.request.title,
            status: p.status.label(),
            effective: Day(p.request.effective_from),
            from: directory.short_name(p.request.from),
            to: directory.short_name(p.request.to),
        })
        .collect();
    let recorded = query
        .recorded
        .and_then(|id| id.parse().ok())
        .and_then(|id| directory.instrument(InstrumentId(id)))
        .map(|i| format!("{} ({})", i.title, i.reference));
    render(&ListPage {
        chrome: Chrome::for_session(&session, "transfers"),
        plans,
        recorded,
    })
}

/// What the plan form sends.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PlanForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    instrument: String,
    #[serde(default)]
    services: Vec<String>,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
}

#[derive(Template)]
#[template(path = "transfer_new.html")]
struct NewPage {
    chrome: Chrome,
    error: Option<String>,
    form: PlanForm,
    instruments: Vec<(i64, String)>,
    services: Vec<(i64, String)>,
    organisations: Vec<(i64, String)>,
}

impl NewPage {
    fn chosen_service(&self, id: &i64) -> bool {
        self.form.services.iter().any(|s| s == &id.to_string())
    }
}

async fn new_page(
    state: &AppState,
    session: &Session,
    form: PlanForm,
    error: Option<String>,
) -> Result<Response, WebError> {
    let directory = state.app.directory().await?;
    let page = NewPage {
        chrome: Chrome::for_session(session, "transfers"),
        error: error.clone(),
        form,
        instruments: directory
            .instruments
            .iter()
            .rev()
            .map(|i| {
                (
                    i.id.0,
                    format!("{} ({}, {})", i.title, i.reference, Day(i.made_on)),
                )
            })
            .collect(),
        services: directory
            .services
            .iter()
            .map(|s| (s.id.0, s.name.clone()))
            .collect(),
        organisations: directory
            .organisations
            .iter()
            .filter(|o| o.kind.can_provide())
            .map(|o| (o.id.0, o.name.clone()))
            .collect(),
    };
    let html = page.render()?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, axum::response::Html(html)).into_response())
}

pub(crate) async fn new(
    session: Session,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session) {
        return Ok(page);
    }
    new_page(&state, &session, PlanForm::default(), None).await
}

/// Reads the form into a request, or says which field is wrong.
pub(crate) fn read_form(form: &PlanForm) -> Result<TransferRequest, String> {
    let id = |text: &str, field: &str| {
        text.trim()
            .parse::<i64>()
            .map_err(|_| format!("Select {field}"))
    };
    let effective_from = match (
        form.day.trim().parse(),
        form.month.trim().parse(),
        form.year.trim().parse(),
    ) {
        (Ok(d), Ok(m), Ok(y)) => NaiveDate::from_ymd_opt(y, m, d)
            .ok_or_else(|| "The date the transfer takes effect must be a real date".to_owned())?,
        _ => {
            return Err("Enter the date the transfer takes effect, for example 1 4 2027".to_owned())
        }
    };
    if form.services.is_empty() {
        return Err("Select at least one service to transfer".to_owned());
    }
    Ok(TransferRequest {
        title: form.title.trim().to_owned(),
        instrument: InstrumentId(id(
            &form.instrument,
            "the instrument that moves the services",
        )?),
        services: form
            .services
            .iter()
            .map(|s| id(s, "the services").map(ServiceId))
            .collect::<Result<_, _>>()?,
        from: OrganisationId(id(&form.from, "the provider the services leave")?),
        to: OrganisationId(id(&form.to, "the provider the services go to")?),
        effective_from,
    })
}

pub(crate) async fn create(
    session: Session,
    State(state): State<AppState>,
    Form(form): Form<PlanForm>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session) {
        return Ok(page);
    }
    session.check_csrf(&form.csrf_token)?;
    let request = match read_form(&form) {
        Ok(r) => r,
        Err(message) => return new_page(&state, &session, form, Some(message)).await,
    };
    match state
        .app
        .plan_transfer(&request, &session.actor.username)
        .await
    {
        Ok(id) => Ok(see_other(&format!("/transfers/{id}"))),
        Err(AppError::Invalid(e)) => new_page(&state, &session, form, Some(e.to_string())).await,
        Err(AppError::NotFound(what)) => {
            new_page(&state, &session, form, Some(format!("No such {what}"))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Clone)]
struct StaffLine {
    name: String,
    post: String,
    grade: String,
    fte: String,
}

/// One line of the TUPE checklist as shown.
#[derive(Debug, Clone)]
struct ChecklistLine {
    code: &'static str,
    label: &'static str,
    due: Day,
    status: &'static str,
    tag: &'static str,
    done: Vec<String>,
    warning: Option<String>,
}

/// One task of the plan's task list as shown.
#[derive(Debug, Clone)]
struct TaskLine {
    name: String,
    href: String,
    hint: Option<String>,
    status: &'static str,
    /// The tag's colour class, or None for plain text (Completed, Cannot start yet).
    tag: Option<&'static str>,
    cannot_start: bool,
}

/// The plan's front page: its summary and its task list.
#[derive(Template)]
#[template(path = "transfer.html")]
struct PlanPage {
    chrome: Chrome,
    summary: PlanSummary,
    sections: Vec<(&'static str, Vec<TaskLine>)>,
}

/// The plan's summary, shown on each of its pages.
#[derive(Debug, Clone)]
struct PlanSummary {
    id: i64,
    title: String,
    status_label: &'static str,
    from: String,
    to: String,
    effective: Day,
    instrument: String,
    services: Vec<String>,
    created: String,
    decided: Option<String>,
}

impl PlanSummary {
    fn of(p: &TransferPreview) -> Self {
        PlanSummary {
            id: p.plan.id.0,
            title: p.plan.request.title.clone(),
            status_label: p.plan.status.label(),
            from: p.from.name.clone(),
            to: p.to.name.clone(),
            effective: Day(p.plan.request.effective_from),
            instrument: format!("{} ({})", p.instrument.title, p.instrument.reference),
            services: p.services.iter().map(|s| s.name.clone()).collect(),
            created: format!(
                "{} on {}",
                p.plan.created_by,
                Day(p.plan.created_at.date_naive())
            ),
            decided: p
                .plan
                .decided
                .as_ref()
                .map(|(who, at)| format!("{who} on {}", Day(at.date_naive()))),
        }
    }
}

/// Where a task is done, as a link.
fn task_href(id: TransferPlanId, place: TaskPlace) -> String {
    match place {
        TaskPlace::Plan => format!("/transfers/{id}#plan"),
        TaskPlace::DryRun(part) => format!("/transfers/{id}/dry-run#{}", part.anchor()),
        TaskPlace::Tupe(kind) => format!("/transfers/{id}/tupe?step={}#record", kind.code()),
        TaskPlace::Execute => format!("/transfers/{id}/execute"),
        TaskPlace::Report => format!("/transfers/{id}/report"),
    }
}

fn task_line(id: TransferPlanId, task: Task) -> TaskLine {
    TaskLine {
        href: task_href(id, task.place),
        name: task.name,
        hint: task.hint,
        status: task.status.label(),
        tag: match task.status {
            TaskStatus::Completed | TaskStatus::CannotStartYet => None,
            TaskStatus::Incomplete => Some("govuk-tag--blue"),
            TaskStatus::Overdue | TaskStatus::Failed => Some("govuk-tag--red"),
        },
        cannot_start: task.status == TaskStatus::CannotStartYet,
    }
}

pub(crate) async fn show(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session) {
        return Ok(page);
    }
    let id = plan_id(&id)?;
    let p = state.app.preview_transfer(id).await?;
    let sections = state
        .app
        .transfer_tasks(&p)
        .await?
        .into_iter()
        .map(|section| {
            (
                section.title,
                section
                    .tasks
                    .into_iter()
                    .map(|t| task_line(id, t))
                    .collect(),
            )
        })
        .collect();
    render(&PlanPage {
        chrome: Chrome::for_session(&session, "transfers"),
        summary: PlanSummary::of(&p),
        sections,
    })
}

/// One line of the due work list.
#[derive(Debug, Clone)]
struct DueLine {
    child: i64,
    line: super::children::DueLine,
    held: String,
}

/// The dry run: what executing the plan would write and what it touches.
#[derive(Template)]
#[template(path = "transfer_dry_run.html")]
struct DryRunPage {
    chrome: Chrome,
    summary: PlanSummary,
    problem: Option<String>,
    moves: Option<(usize, usize, usize)>,
    staff: Vec<StaffLine>,
    posts: Vec<(String, String, String, String, String)>,
    children_in_scope: usize,
    restricted_in_scope: Vec<(i64, String)>,
    access: Vec<(String, String, &'static str, i64)>,
    due_until: Option<Day>,
    due_caption: &'static str,
    due_teams: Vec<TeamDue>,
    due_totals: (usize, usize, usize),
    due: Vec<DueLine>,
}

pub(crate) async fn dry_run(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session) {
        return Ok(page);
    }
    let p = state.app.preview_transfer(plan_id(&id)?).await?;
    render(&DryRunPage {
        chrome: Chrome::for_session(&session, "transfers"),
        summary: PlanSummary::of(&p),
        problem: p.problem.clone(),
        moves: p
            .moves
            .as_ref()
            .map(|m| (m.provision.len(), m.teams.len(), m.posts.len())),
        staff: p
            .staff
            .iter()
            .map(|(person, post)| StaffLine {
                name: person.full_name(),
                post: format!("{} ({})", post.title, post.code.as_str()),
                grade: post.grade.clone(),
                fte: post.fte(),
            })
            .collect(),
        posts: p
            .posts
            .iter()
            .map(|(post, team)| {
                (
                    post.code.as_str().to_owned(),
                    post.title.clone(),
                    team.clone(),
                    post.grade.clone(),
                    post.fte(),
                )
            })
            .collect(),
        children_in_scope: p.children_in_scope,
        restricted_in_scope: p
            .restricted_in_scope
            .iter()
            .map(|(c, named)| (c.0, named.join(", ")))
            .collect(),
        access: p
            .access
            .iter()
            .map(|a| {
                (
                    a.staff.full_name(),
                    format!("{} ({})", a.post.title, a.post.code.as_str()),
                    a.change.label(),
                    a.records,
                )
            })
            .collect(),
        due_until: p.due.until.map(Day),
        due_totals: (p.due.open_cases(), p.due.due(), p.due.overdue()),
        due_caption: "By service and team",
        due_teams: p.due.teams.clone(),
        due: p
            .due
            .items
            .iter()
            .map(|d| DueLine {
                child: d.child.0,
                line: super::children::DueLine::from_item(&d.item),
                held: match &d.allocated {
                    Some(worker) => format!("{}, {} ({})", d.team, d.service, worker),
                    None => format!("{}, {} (not allocated)", d.team, d.service),
                },
            })
            .collect(),
    })
}

/// The TUPE process: the checklist with dates and warnings, and the form to record a
/// step.
#[derive(Template)]
#[template(path = "transfer_tupe.html")]
struct TupePage {
    chrome: Chrome,
    summary: PlanSummary,
    error: Option<String>,
    checklist: Vec<ChecklistLine>,
    /// Each step's code and label, and whether it is the one chosen.
    step_kinds: Vec<(&'static str, &'static str, bool)>,
}

/// The TUPE page's query: the step to record, preselected.
#[derive(Debug, Deserialize)]
pub(crate) struct TupeQuery {
    step: Option<String>,
}

pub(crate) async fn tupe(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<TupeQuery>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session) {
        return Ok(page);
    }
    let chosen = query.step.unwrap_or_default();
    tupe_page(&state, &session, plan_id(&id)?, None, chosen).await
}

/// The TUPE page, with the reason a step was refused if there was one.
async fn tupe_page(
    state: &AppState,
    session: &Session,
    id: TransferPlanId,
    error: Option<String>,
    chosen: String,
) -> Result<Response, WebError> {
    let p = state.app.preview_transfer(id).await?;
    let checklist = state
        .app
        .tupe_checklist(id)
        .await?
        .into_iter()
        .map(|item| ChecklistLine {
            code: item.kind.code(),
            label: item.kind.label(),
            due: Day(item.due),
            status: item.status.label(),
            tag: match item.status {
                ItemStatus::Done => "govuk-tag--green",
                ItemStatus::DoneLate => "govuk-tag--orange",
                ItemStatus::Overdue => "govuk-tag--red",
                ItemStatus::ToDo => "govuk-tag--blue",
            },
            done: item
                .done
                .iter()
                .map(|s| {
                    if s.notes.is_empty() {
                        Day(s.done_on).to_string()
                    } else {
                        format!("{}: {}", Day(s.done_on), s.notes)
                    }
                })
                .collect(),
            warning: item.warning,
        })
        .collect();
    let page = TupePage {
        chrome: Chrome::for_session(session, "transfers"),
        summary: PlanSummary::of(&p),
        error: error.clone(),
        checklist,
        step_kinds: TupeStepKind::ALL
            .iter()
            .map(|k| (k.code(), k.label(), k.code() == chosen))
            .collect(),
    };
    with_status(page.render()?, error.is_some())
}

/// A page answered 409 when it shows why an action was refused, else 200.
fn with_status(html: String, refused: bool) -> Result<Response, WebError> {
    let status = if refused {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok((status, axum::response::Html(html)).into_response())
}

/// Executing or cancelling the plan: the buttons, or why it cannot be done yet.
#[derive(Template)]
#[template(path = "transfer_execute.html")]
struct ExecutePage {
    chrome: Chrome,
    summary: PlanSummary,
    error: Option<String>,
    status: PlanStatus,
    execute: TaskLine,
}

pub(crate) async fn execute_page(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session) {
        return Ok(page);
    }
    decision_page(&state, &session, plan_id(&id)?, None).await
}

/// The execute page, with the reason an execute or cancel was refused if there was one.
async fn decision_page(
    state: &AppState,
    session: &Session,
    id: TransferPlanId,
    error: Option<String>,
) -> Result<Response, WebError> {
    let p = state.app.preview_transfer(id).await?;
    let execute = state
        .app
        .transfer_tasks(&p)
        .await?
        .into_iter()
        .flat_map(|s| s.tasks)
        .find(|t| t.place == TaskPlace::Execute)
        .map(|t| task_line(id, t))
        .ok_or_else(|| WebError::from(AppError::Internal("the plan has no execute task".into())))?;
    let page = ExecutePage {
        chrome: Chrome::for_session(session, "transfers"),
        summary: PlanSummary::of(&p),
        error: error.clone(),
        status: p.plan.status,
        execute,
    };
    with_status(page.render()?, error.is_some())
}

/// What the "record a step" form sends.
#[derive(Debug, Deserialize)]
pub(crate) struct StepForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    notes: String,
}

impl StepForm {
    /// Reads the form into a step, or says which field is wrong.
    pub(crate) fn read(&self) -> Result<TupeStep, String> {
        let kind =
            TupeStepKind::parse(&self.kind).map_err(|_| "Choose which step was done".to_owned())?;
        let done_on = match (
            self.day.trim().parse(),
            self.month.trim().parse(),
            self.year.trim().parse(),
        ) {
            (Ok(d), Ok(m), Ok(y)) => NaiveDate::from_ymd_opt(y, m, d)
                .ok_or_else(|| "The date the step was done must be a real date".to_owned())?,
            _ => return Err("Enter the date the step was done, for example 4 3 2027".to_owned()),
        };
        Ok(TupeStep {
            kind,
            done_on,
            notes: self.notes.trim().to_owned(),
        })
    }
}

pub(crate) async fn record_step(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session) {
        return Ok(page);
    }
    session.check_csrf(&form.csrf_token)?;
    let id = plan_id(&id)?;
    let step = match form.read() {
        Ok(step) => step,
        Err(message) => {
            return tupe_page(&state, &session, id, Some(message), form.kind.clone()).await
        }
    };
    match state
        .app
        .record_tupe_step(id, &step, &session.actor.username)
        .await
    {
        Ok(()) => Ok(see_other(&format!("/transfers/{id}/tupe"))),
        Err(AppError::Invalid(e)) => {
            tupe_page(&state, &session, id, Some(e.to_string()), form.kind.clone()).await
        }
        Err(e) => Err(e.into()),
    }
}

/// What the execute and cancel buttons send.
#[derive(Debug, Deserialize)]
pub(crate) struct DecisionForm {
    #[serde(default)]
    csrf_token: String,
}

pub(crate) async fn execute(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session) {
        return Ok(page);
    }
    session.check_csrf(&form.csrf_token)?;
    let id = plan_id(&id)?;
    match state
        .app
        .execute_transfer(id, &session.actor.username)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/transfers/{id}/report"))),
        Err(AppError::Invalid(e)) => decision_page(&state, &session, id, Some(e.to_string())).await,
        Err(AppError::Conflict(message)) => {
            decision_page(&state, &session, id, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn cancel(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session) {
        return Ok(page);
    }
    session.check_csrf(&form.csrf_token)?;
    let id = plan_id(&id)?;
    match state.app.cancel_transfer(id, &session.actor.username).await {
        Ok(()) => Ok(see_other(&format!("/transfers/{id}"))),
        Err(AppError::Conflict(message)) => {
            decision_page(&state, &session, id, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "transfer_report.html")]
struct ReportPage {
    chrome: Chrome,
    id: i64,
    report: Reconciliation,
}

pub(crate) async fn report(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session) {
        return Ok(page);
    }
    let id = plan_id(&id)?;
    let report = state.app.transfer_report(id).await?;
    render(&ReportPage {
        chrome: Chrome::for_session(&session, "transfers"),
        id: id.0,
        report,
    })
}

pub(crate) async fn report_csv(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session) {
        return Ok(page);
    }
    let id = plan_id(&id)?;
    let csv = state.app.transfer_report(id).await?.to_csv()?;
    Ok(super::csv_download(
        &format!("transfer-{id}-reconciliation.csv"),
        csv.into(),
    ))
}
