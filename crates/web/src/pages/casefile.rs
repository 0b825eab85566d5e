//! Adding to a child's record and reading it back: the visit and case note form, the
//! event form, the family member form, their drafts (saved as the person types, offered back after a timeout),
//! and the chronology. Each handler calls one use case in `carebridge_app::casefile`
//! or `records`, which asks the policy and audits in the same transaction.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::Form;
use carebridge_app::casefile::{DraftForm, RecordingForm};
use carebridge_app::records::OpenedRecord;
use carebridge_app::AppError;
use carebridge_domain::casefile::attachments::{
    AttachmentInput, DocumentType, MAX_ATTACHMENT_BYTES,
};
use carebridge_domain::casefile::chronology::{chronology, EntrySource, EntryType};
use carebridge_domain::casefile::events::{Detail, EventInput, EventKind};
use carebridge_domain::casefile::notes::{NoteInput, NoteKind};
use carebridge_domain::casefile::work::WorkInput;
use carebridge_domain::casefile::Problems;
use carebridge_domain::child::InvolvementKind;
use carebridge_domain::relationships::{
    OtherInput, RelationshipInput, RelationshipKind, ResponsibilityBasis,
};
use carebridge_domain::{
    AttachmentId, ChildId, InvolvementId, OrganisationId, RelatedPersonId, RelationshipId,
    ServiceId, TeamId,
};
use carebridge_policy::CaseloadOf;
use serde::Deserialize;

use super::{render, see_other, Chrome};
use crate::form::{date_into, text, yes_no};
use crate::format::Day;
use crate::session::Session;
use crate::{AppState, WebError};

fn child_id(text: &str) -> Result<ChildId, WebError> {
    text.parse().map(ChildId).map_err(|_| WebError::NotFound)
}

fn form_kind(text: &str) -> Result<DraftForm, WebError> {
    match text {
        "note" => Ok(DraftForm::Note),
        "event" => Ok(DraftForm::Event),
        _ => Err(WebError::NotFound),
    }
}

/// Renders an error in the signed-in chrome.
fn failed(session: &Session, e: impl Into<WebError>) -> Response {
    e.into().page(Chrome::for_session(session, "children"))
}

/// The id of the input an error summary links to for a field (a date input's first
/// box).
fn anchor(field: &str) -> String {
    match field {
        "occurred" | "born" | "from" | "starts" | "ended" => format!("{field}_day"),
        other => other.to_owned(),
    }
}

/// A piece of work as a form offers it.
#[derive(Debug, Clone)]
struct WorkOption {
    id: i64,
    label: String,
    allowed: bool,
}

fn work_options(form: &RecordingForm, kind: Option<EventKind>) -> Vec<WorkOption> {
    form.work
        .iter()
        .map(|w| WorkOption {
            id: w.id.0,
            label: format!(
                "{}, from {}{}",
                w.kind.label(),
                Day(w.period.start()),
                w.period
                    .end()
                    .map_or_else(|| " (open)".to_owned(), |e| format!(" to {}", Day(e)))
            ),
            allowed: kind.is_none_or(|k| k.filed_under().contains(&w.kind)),
        })
        .collect()
}

/// "Saved at 14:32 on 23 November 2026" (UTC, as every time on the site).
fn saved_at(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%H:%M on %-d %B %Y").to_string()
}

#[derive(Template)]
#[template(path = "note_new.html")]
struct NotePage {
    chrome: Chrome,
    id: i64,
    name: String,
    work: Vec<WorkOption>,
    kinds: Vec<(&'static str, &'static str)>,
    values: HashMap<String, String>,
    problems: Vec<(String, String)>,
    draft_saved: Option<String>,
}

#[derive(Template)]
#[template(path = "event_new.html")]
struct EventPage {
    chrome: Chrome,
    id: i64,
    name: String,
    work: Vec<WorkOption>,
    kinds: Vec<(&'static str, &'static str)>,
    kind: Option<(&'static str, &'static str)>,
    details: Vec<Detail>,
    values: HashMap<String, String>,
    problems: Vec<(String, String)>,
    draft_saved: Option<String>,
}

#[derive(Template)]
#[template(path = "document_new.html")]
struct DocumentPage {
    chrome: Chrome,
    id: i64,
    name: String,
    work: Vec<WorkOption>,
    types: String,
    max_mb: usize,
    values: HashMap<String, String>,
    problems: Vec<(String, String)>,
}

impl FormValues for DocumentPage {
    fn values(&self) -> &HashMap<String, String> {
        &self.values
    }
    fn problems(&self) -> &[(String, String)] {
        &self.problems
    }
}

#[derive(Template)]
#[template(path = "work_new.html")]
struct WorkPage {
    chrome: Chrome,
    id: i64,
    name: String,
    kinds: Vec<(&'static str, &'static str)>,
    teams: Vec<(i64, String)>,
    values: HashMap<String, String>,
    problems: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "relationship_new.html")]
struct RelationshipPage {
    chrome: Chrome,
    id: i64,
    name: String,
    kinds: Vec<(&'static str, &'static str)>,
    bases: Vec<(&'static str, &'static str)>,
    known: Vec<(i64, String)>,
    values: HashMap<String, String>,
    problems: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "relationship_end.html")]
struct RelationshipEndPage {
    chrome: Chrome,
    id: i64,
    name: String,
    relationship_id: i64,
    other: String,
    relationship: String,
    responsibility: String,
    started: String,
    values: HashMap<String, String>,
    problems: Vec<(String, String)>,
}

impl FormValues for RelationshipEndPage {
    fn values(&self) -> &HashMap<String, String> {
        &self.values
    }
    fn problems(&self) -> &[(String, String)] {
        &self.problems
    }
}

/// Template helpers shared by the forms.
trait FormValues {
    fn values(&self) -> &HashMap<String, String>;
    fn problems(&self) -> &[(String, String)];

    fn value(&self, name: &str) -> &str {
        self.values().get(name).map_or("", String::as_str)
    }

    fn is(&self, name: &str, value: &str) -> bool {
        self.value(name) == value
    }

    /// Whether `code` is among the codes of a field of several (checkboxes).
    fn has(&self, name: &str, code: &str) -> bool {
        self.value(name).split_whitespace().any(|c| c == code)
    }

    fn error(&self, field: &str) -> Option<&str> {
        let anchor = anchor(field);
        self.problems()
            .iter()
            .find(|(a, _)| *a == anchor)
            .map(|(_, m)| m.as_str())
    }
}

impl FormValues for NotePage {
    fn values(&self) -> &HashMap<String, String> {
        &self.values
    }
    fn problems(&self) -> &[(String, String)] {
        &self.problems
    }
}

impl FormValues for WorkPage {
    fn values(&self) -> &HashMap<String, String> {
        &self.values
    }
    fn problems(&self) -> &[(String, String)] {
        &self.problems
    }
}

impl FormValues for RelationshipPage {
    fn values(&self) -> &HashMap<String, String> {
        &self.values
    }
    fn problems(&self) -> &[(String, String)] {
        &self.problems
    }
}

impl FormValues for EventPage {
    fn values(&self) -> &HashMap<String, String> {
        &self.values
    }
    fn problems(&self) -> &[(String, String)] {
        &self.problems
    }
}

fn listed(problems: &Problems) -> Vec<(String, String)> {
    problems
        .0
        .iter()
        .map(|p| (anchor(p.field), p.message.clone()))
        .collect()
}

/// After a form's use case: to the page `to` names on success, the form again with its
/// problems (and what was typed) from `again`, or the error page.
async fn answer<T, F>(
    session: &Session,
    result: Result<T, AppError>,
    to: impl FnOnce(T) -> String,
    again: impl FnOnce(Problems) -> F,
) -> Result<Response, WebError>
where
    F: std::future::Future<Output = Result<Response, WebError>>,
{
    match result {
        Ok(saved) => Ok(see_other(&to(saved))),
        Err(AppError::Problems(problems)) => again(problems).await,
        Err(e) => Ok(failed(session, e)),
    }
}

/// Renders a form: 200, or 422 when it is shown again with problems.
fn with_status(page: &impl Template, problems: &Problems) -> Result<Response, WebError> {
    super::form_page(page, !problems.is_empty())
}

/// Values to show: what was posted, else the person's draft.
fn values_and_draft(
    form: &RecordingForm,
    posted: Option<HashMap<String, String>>,
) -> (HashMap<String, String>, Option<String>) {
    match posted {
        Some(values) => (values, None),
        None => match &form.draft {
            Some(d) => (
                d.fields.clone().into_iter().collect(),
                Some(saved_at(d.saved_at)),
            ),
            None => (HashMap::new(), None),
        },
    }
}

async fn note_page(
    state: &AppState,
    session: &Session,
    child: ChildId,
    posted: Option<(HashMap<String, String>, Problems)>,
) -> Result<Response, WebError> {
    let form = match state
        .app
        .recording_form(&session.actor, &session.meta, child, DraftForm::Note)
        .await
    {
        Ok(form) => form,
        Err(e) => return Ok(failed(session, e)),
    };
    let (posted, problems) = posted.map_or((None, Problems::new()), |(v, p)| (Some(v), p));
    let (values, draft_saved) = values_and_draft(&form, posted);
    let page = NotePage {
        chrome: Chrome::for_session(session, "children"),
        id: child.0,
        name: form.name.clone(),
        work: work_options(&form, None),
        kinds: NoteKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        values,
        problems: listed(&problems),
        draft_saved,
    };
    with_status(&page, &problems)
}

/// The visit and case note form (with the person's draft, if any).
pub(crate) async fn note_form(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    note_page(&state, &session, child, None).await
}

pub(crate) fn note_input(values: &HashMap<String, String>) -> (NoteInput, Problems) {
    let mut problems = Problems::new();
    let occurred_on = date_into(values, "occurred", "The date it happened", &mut problems);
    let input = NoteInput {
        involvement: text(values, "involvement").parse().ok().map(InvolvementId),
        kind: NoteKind::parse(text(values, "kind")).ok(),
        occurred_on,
        child_seen: yes_no(values, "child_seen"),
        seen_alone: yes_no(values, "seen_alone"),
        summary: text(values, "summary").to_owned(),
        body: values.get("body").cloned().unwrap_or_default(),
    };
    (input, problems)
}

/// Saves a visit or case note; on a problem, the form again with every problem and
/// everything typed (nothing saved).
pub(crate) async fn add_note(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    session.check_csrf(text(&values, "csrf_token"))?;
    let (input, reading) = note_input(&values);
    let result = state
        .app
        .add_note(&session.actor, &session.meta, child, input, reading)
        .await;
    answer(
        &session,
        result,
        |note| format!("/children/{child}/chronology?recorded=note-{note}#note-{note}"),
        |problems| note_page(&state, &session, child, Some((values, problems))),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(crate) struct KindQuery {
    kind: Option<String>,
}

async fn event_page(
    state: &AppState,
    session: &Session,
    child: ChildId,
    kind: Option<&str>,
    posted: Option<(HashMap<String, String>, Problems)>,
) -> Result<Response, WebError> {
    let form = match state
        .app
        .recording_form(&session.actor, &session.meta, child, DraftForm::Event)
        .await
    {
        Ok(form) => form,
        Err(e) => return Ok(failed(session, e)),
    };
    let (posted, problems) = posted.map_or((None, Problems::new()), |(v, p)| (Some(v), p));
    let (values, draft_saved) = values_and_draft(&form, posted);
    // The kind asked for; else the one in the draft.
    let kind = kind
        .or_else(|| values.get("kind").map(String::as_str))
        .and_then(|k| EventKind::parse(k).ok());
    let page = EventPage {
        chrome: Chrome::for_session(session, "children"),
        id: child.0,
        name: form.name.clone(),
        work: work_options(&form, kind),
        kinds: EventKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        kind: kind.map(|k| (k.code(), k.label())),
        details: kind.map(|k| k.details().to_vec()).unwrap_or_default(),
        values,
        problems: listed(&problems),
        draft_saved: draft_saved.filter(|_| kind.is_some()),
    };
    with_status(&page, &problems)
}

/// The event form: first what happened, then its details.
pub(crate) async fn event_form(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<KindQuery>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    event_page(&state, &session, child, query.kind.as_deref(), None).await
}

/// Reads the event form's fields; the problems are those of reading them (a date that
/// is not a date), the domain's checks come after.
pub(crate) fn event_input(values: &HashMap<String, String>) -> (EventInput, Problems) {
    let kind = EventKind::parse(text(values, "kind")).ok();
    let mut reading = Problems::new();
    let occurred_on = date_into(values, "occurred", "The date it happened", &mut reading);
    let details: BTreeMap<String, String> = kind
        .map(|k| k.details())
        .unwrap_or_default()
        .iter()
        .filter_map(|d| values.get(d.name).map(|v| (d.name.to_owned(), v.clone())))
        .collect();
    let input = EventInput {
        involvement: text(values, "involvement").parse().ok().map(InvolvementId),
        kind,
        occurred_on,
        details,
    };
    (input, reading)
}

/// A form's fields by name, a field given several times (checkboxes) as its values
/// separated by spaces.
fn joined<M>(fields: Vec<(String, String)>) -> M
where
    M: Default + Extend<(String, String)> + IntoIterator<Item = (String, String)>,
{
    let mut order: Vec<(String, String)> = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        match order.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) if !value.is_empty() => {
                if !v.is_empty() {
                    v.push(' ');
                }
                v.push_str(&value);
            }
            Some(_) => {}
            None => order.push((name, value)),
        }
    }
    let mut map = M::default();
    map.extend(order);
    map
}

/// Saves an event; on a problem, the form again with every problem.
pub(crate) async fn add_event(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let values: HashMap<String, String> = joined(fields);
    let child = child_id(&id)?;
    session.check_csrf(text(&values, "csrf_token"))?;
    let (input, reading) = event_input(&values);
    let kind_code = input.kind.map(EventKind::code);
    let result = state
        .app
        .add_event(&session.actor, &session.meta, child, input, reading)
        .await;
    answer(
        &session,
        result,
        |event| format!("/children/{child}/chronology?recorded=event-{event}#event-{event}"),
        |problems| event_page(&state, &session, child, kind_code, Some((values, problems))),
    )
    .await
}

/// Saves a draft as the person types (called by `drafts.js`). Answers JSON: 200 with
/// when it was saved; 401 when the session has ended (the page then says the draft up
/// to the last save is kept and offers to sign in again); 403/404 when refused.
pub(crate) async fn save_draft(
    session: Result<Session, Response>,
    State(state): State<AppState>,
    Path((id, form)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let values: BTreeMap<String, String> = joined(fields);
    let session = match session {
        Ok(session) => session,
        Err(rejection) if rejection.status().is_redirection() => {
            return Ok((
                StatusCode::UNAUTHORIZED,
                Json(serde_json::json!({ "signed_in": false })),
            )
                .into_response());
        }
        Err(rejection) => return Ok(rejection),
    };
    let child = child_id(&id)?;
    let form = form_kind(&form)?;
    session.check_csrf(values.get("csrf_token").map_or("", String::as_str))?;
    match state
        .app
        .save_draft(&session.actor, &session.meta, child, form, values)
        .await
    {
        Ok(at) => Ok(Json(serde_json::json!({
            "saved_at": saved_at(at),
        }))
        .into_response()),
        Err(e) => {
            let message = match &e {
                AppError::Forbidden(why) => format!("You do not have permission to do this: {why}"),
                AppError::Invalid(_) | AppError::Problems(_) | AppError::NotFound(_) => {
                    e.to_string()
                }
                // No internals in answers.
                _ => "The draft could not be saved".to_owned(),
            };
            let status = WebError::from(e).status();
            Ok((status, Json(serde_json::json!({ "error": message }))).into_response())
        }
    }
}

/// Discards the person's draft of a form, then shows the empty form.
pub(crate) async fn discard_draft(
    session: Session,
    State(state): State<AppState>,
    Path((id, form)): Path<(String, String)>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    let form = form_kind(&form)?;
    session.check_csrf(text(&values, "csrf_token"))?;
    state.app.discard_draft(&session.actor, child, form).await?;
    Ok(see_other(&form.path(child)))
}

#[derive(Debug, Deserialize)]
pub(crate) struct ChronologyQuery {
    #[serde(default)]
    service: String,
    #[serde(default)]
    r#type: Vec<String>,
    #[serde(default)]
    recorded: String,
}

/// One line of the chronology as the page shows it.
#[derive(Debug, Clone)]
struct Line {
    anchor: String,
    on: Day,
    kind: EntryType,
    title: String,
    service: String,
    details: Vec<String>,
    body: Option<String>,
    by: String,
}

#[derive(Template)]
#[template(path = "chronology.html")]
struct ChronologyPage {
    chrome: Chrome,
    id: i64,
    name: String,
    born: Day,
    printed: Day,
    lines: Vec<Line>,
    total: usize,
    services: Vec<(i64, String)>,
    service: Option<i64>,
    types: Vec<(&'static str, &'static str, bool)>,
    recorded: bool,
}

/// The chronology: the whole record in date order, filtered by service and type.
pub(crate) async fn chronology_page(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    axum_extra::extract::Query(query): axum_extra::extract::Query<ChronologyQuery>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    let opened = match state
        .app
        .open_record_in_full(&session.actor, &session.meta, child)
        .await
    {
        Ok(opened) => opened,
        Err(e) => return Ok(failed(&session, e)),
    };
    let directory = state.app.directory().await?;
    let provision = state
        .app
        .store()
        .provision_periods()
        .await
        .map_err(AppError::from)?;
    let service_name = |s: ServiceId| {
        directory
            .services
            .iter()
            .find(|x| x.id == s)
            .map_or_else(|| format!("service {s}"), |x| x.name.clone())
    };
    let org_name = |o: OrganisationId| {
        directory
            .organisation(o)
            .map_or_else(|| format!("organisation {o}"), |o| o.name.clone())
    };
    let types: Vec<EntryType> = query
        .r#type
        .iter()
        .filter_map(|t| EntryType::parse(t))
        .collect();
    let service: Option<i64> = query.service.parse().ok();
    let entries = chronology(
        &opened.involvements,
        &opened.events,
        &opened.notes,
        &provision,
    );
    let total = entries.len();
    let lines = entries
        .iter()
        .filter(|e| types.is_empty() || types.contains(&e.kind))
        .filter(|e| service.is_none_or(|s| e.service.0 == s))
        .filter_map(|e| describe(&opened, e, &service_name, &org_name))
        .collect();
    let mut services: Vec<(i64, String)> = opened
        .involvements
        .iter()
        .map(|w| (w.service.0, service_name(w.service)))
        .collect();
    services.sort();
    services.dedup();
    render(&ChronologyPage {
        chrome: Chrome::for_session(&session, "children"),
        id: child.0,
        name: format!("{} {}", opened.child.given_name, opened.child.family_name),
        born: Day(opened.child.date_of_birth),
        printed: Day(state.app.clock().today()),
        lines,
        total,
        services,
        service,
        types: EntryType::ALL
            .iter()
            .map(|t| (t.code(), t.label(), types.contains(t)))
            .collect(),
        recorded: !query.recorded.is_empty(),
    })
}

fn describe(
    opened: &OpenedRecord,
    entry: &carebridge_domain::casefile::chronology::Entry,
    service_name: &impl Fn(ServiceId) -> String,
    org_name: &impl Fn(OrganisationId) -> String,
) -> Option<Line> {
    let work = |id: InvolvementId| opened.involvements.iter().find(|w| w.id == id);
    let service = service_name(entry.service);
    let line =
        |anchor: String, title: String, details: Vec<String>, body: Option<String>, by: String| {
            Line {
                anchor,
                on: Day(entry.on),
                kind: entry.kind,
                title,
                service: service.clone(),
                details,
                body,
                by,
            }
        };
    Some(match entry.source {
        EntrySource::WorkStarted(id) => {
            let w = work(id)?;
            line(
                format!("work-{id}-start"),
                format!("{} started", w.kind.label()),
                Vec::new(),
                None,
                String::new(),
            )
        }
        EntrySource::WorkEnded(id) => {
            let w = work(id)?;
            line(
                format!("work-{id}-end"),
                format!("{} ended", w.kind.label()),
                Vec::new(),
                None,
                String::new(),
            )
        }
        EntrySource::Event(id) => {
            let e = opened.events.iter().find(|e| e.id == id)?;
            line(
                format!("event-{id}"),
                e.kind.label().to_owned(),
                e.describe_details(),
                None,
                e.recorded_by.clone(),
            )
        }
        EntrySource::Note(id) => {
            let n = opened.notes.iter().find(|n| n.id == id)?;
            let mut details = Vec::new();
            if let Some(seen) = n.child_seen {
                details.push(match (seen, n.seen_alone) {
                    (true, Some(true)) => "Child seen alone".to_owned(),
                    (true, _) => "Child seen, not alone".to_owned(),
                    (false, _) => "Child not seen".to_owned(),
                });
            }
            line(
                format!("note-{id}"),
                format!("{}: {}", n.kind.label(), n.summary),
                details,
                Some(n.body.clone()),
                n.recorded_by.clone(),
            )
        }
        EntrySource::Provision(org) => line(
            format!("provider-{}-{}", entry.service, entry.on),
            format!("From {} delivered by {}", Day(entry.on), org_name(org)),
            Vec::new(),
            None,
            String::new(),
        ),
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct DueQuery {
    #[serde(default)]
    team: String,
    #[serde(default)]
    worker: String,
}

/// One line of a due-work list.
#[derive(Debug, Clone)]
struct DueRow {
    child: i64,
    name: String,
    line: crate::pages::children::DueLine,
}

#[derive(Template)]
#[template(path = "due.html")]
struct DuePage {
    chrome: Chrome,
    name: String,
    team_id: i64,
    mine: bool,
    has_staff: bool,
    teams: Vec<(i64, String)>,
    children: usize,
    overdue: usize,
    rows: Vec<DueRow>,
}

/// A team's statutory work due and overdue (the person's own team unless they choose).
pub(crate) async fn due_work(
    session: Session,
    State(state): State<AppState>,
    Query(query): Query<DueQuery>,
) -> Result<Response, WebError> {
    let of = match (query.team.parse().ok(), query.worker.as_str()) {
        (Some(team), _) => Some(CaseloadOf::Team(carebridge_domain::TeamId(team))),
        (None, "me") => session.actor.staff.map(CaseloadOf::Staff),
        (None, worker) => worker
            .parse()
            .ok()
            .map(|w| CaseloadOf::Staff(carebridge_domain::StaffId(w))),
    };
    let list = match state.app.due_work(&session.actor, &session.meta, of).await {
        Ok(list) => list,
        Err(e) => return Ok(e_page(&session, e)),
    };
    let teams = state
        .app
        .store()
        .teams()
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|t| (t.id.0, t.name))
        .collect();
    let rows: Vec<DueRow> = list
        .due
        .iter()
        .map(|d| DueRow {
            child: d.child.id.0,
            name: format!("{} {}", d.child.given_name, d.child.family_name),
            line: crate::pages::children::DueLine::from_item(&d.item),
        })
        .collect();
    render(&DuePage {
        chrome: Chrome::for_session(&session, "due"),
        name: list.name.clone(),
        team_id: match list.of {
            CaseloadOf::Team(t) => t.0,
            CaseloadOf::Staff(_) => 0,
        },
        mine: session
            .actor
            .staff
            .is_some_and(|me| list.of == CaseloadOf::Staff(me)),
        has_staff: session.actor.staff.is_some(),
        teams,
        children: list.children,
        overdue: rows.iter().filter(|r| r.line.overdue).count(),
        rows,
    })
}

/// An error page in the due-work section.
fn e_page(session: &Session, e: AppError) -> Response {
    WebError::from(e).page(Chrome::for_session(session, "due"))
}

async fn relationship_page(
    state: &AppState,
    session: &Session,
    child: ChildId,
    posted: Option<(HashMap<String, String>, Problems)>,
) -> Result<Response, WebError> {
    let form = match state
        .app
        .relationship_form(&session.actor, &session.meta, child)
        .await
    {
        Ok(form) => form,
        Err(e) => return Ok(failed(session, e)),
    };
    let (values, problems) = posted.unwrap_or_default();
    let page = RelationshipPage {
        chrome: Chrome::for_session(session, "children"),
        id: child.0,
        name: form.name,
        kinds: RelationshipKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        bases: ResponsibilityBasis::ALL
            .iter()
            .map(|b| (b.code(), b.label()))
            .collect(),
        known: form
            .known
            .iter()
            .map(|p| {
                let born = p
                    .date_of_birth
                    .map_or_else(String::new, |d| format!(", born {}", Day(d)));
                (p.id.0, format!("{}{born}", p.name))
            })
            .collect(),
        values,
        problems: listed(&problems),
    };
    with_status(&page, &problems)
}

/// The form to add a family member or significant person.
pub(crate) async fn relationship_form(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    relationship_page(&state, &session, child, None).await
}

/// Reads a Carebridge ID as people write it: "1042", "Child 1042", "#1042".
fn carebridge_id(text: &str) -> Option<ChildId> {
    let t = text.trim();
    let t = match t.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("child") => t.get(5..).unwrap_or_default(),
        _ => t,
    };
    t.trim().trim_start_matches('#').parse().ok().map(ChildId)
}

pub(crate) fn relationship_input(
    values: &HashMap<String, String>,
) -> (RelationshipInput, Problems) {
    let mut problems = Problems::new();
    let date_of_birth = date_into(values, "born", "Their date of birth", &mut problems);
    let from = date_into(values, "from", "The date it started", &mut problems);
    let other = match text(values, "other") {
        "child" => OtherInput::Child(carebridge_id(text(values, "other_child"))),
        "known" => OtherInput::Known(text(values, "known").parse().ok().map(RelatedPersonId)),
        "new" => OtherInput::New {
            given_name: text(values, "given_name").to_owned(),
            family_name: text(values, "family_name").to_owned(),
            date_of_birth,
        },
        _ => OtherInput::Unchosen,
    };
    let input = RelationshipInput {
        kind: RelationshipKind::parse(text(values, "kind")).ok(),
        other,
        responsibility: yes_no(values, "responsibility"),
        basis: ResponsibilityBasis::parse(text(values, "basis")).ok(),
        from,
    };
    (input, problems)
}

/// Adds a family member or significant person; on a problem, the form again with every
/// problem and everything typed (nothing saved).
pub(crate) async fn add_relationship(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    session.check_csrf(text(&values, "csrf_token"))?;
    let (input, reading) = relationship_input(&values);
    let result = state
        .app
        .add_relationship(&session.actor, &session.meta, child, input, reading)
        .await;
    answer(
        &session,
        result,
        |r| format!("/children/{child}?added=relationship-{r}#family"),
        |problems| relationship_page(&state, &session, child, Some((values, problems))),
    )
    .await
}

async fn relationship_end_page(
    state: &AppState,
    session: &Session,
    child: ChildId,
    relationship: RelationshipId,
    posted: Option<(HashMap<String, String>, Problems)>,
) -> Result<Response, WebError> {
    let (name, found) = match state
        .app
        .ending_form(&session.actor, &session.meta, child, relationship)
        .await
    {
        Ok(form) => form,
        Err(e) => return Ok(failed(session, e)),
    };
    let (values, problems) = posted.unwrap_or_default();
    let page = RelationshipEndPage {
        chrome: Chrome::for_session(session, "children"),
        id: child.0,
        relationship_id: relationship.0,
        relationship: found.label.clone(),
        responsibility: match (found.recorded_on_other, found.responsibility) {
            (true, _) => "Recorded on their record".to_owned(),
            (false, Some(b)) => format!("Yes: {}", b.label().to_lowercase()),
            (false, None) => "No".to_owned(),
        },
        started: found
            .from
            .map_or_else(|| "Not recorded".to_owned(), |d| Day(d).to_string()),
        other: found.name,
        name,
        values,
        problems: listed(&problems),
    };
    with_status(&page, &problems)
}

fn relationship_id(text: &str) -> Result<RelationshipId, WebError> {
    text.parse()
        .map(RelationshipId)
        .map_err(|_| WebError::NotFound)
}

/// The form to record that a relationship ended.
pub(crate) async fn relationship_end_form(
    session: Session,
    State(state): State<AppState>,
    Path((id, relationship)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    let relationship = relationship_id(&relationship)?;
    relationship_end_page(&state, &session, child, relationship, None).await
}

/// Records the last day of a relationship; on a problem, the form again (nothing saved).
pub(crate) async fn end_relationship(
    session: Session,
    State(state): State<AppState>,
    Path((id, relationship)): Path<(String, String)>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    let relationship = relationship_id(&relationship)?;
    session.check_csrf(text(&values, "csrf_token"))?;
    let mut reading = Problems::new();
    let ended = date_into(&values, "ended", "The date it ended", &mut reading);
    let result = state
        .app
        .end_relationship(
            &session.actor,
            &session.meta,
            child,
            relationship,
            ended,
            reading,
        )
        .await;
    answer(
        &session,
        result,
        |()| format!("/children/{child}?ended=relationship-{relationship}#family"),
        |problems| {
            relationship_end_page(
                &state,
                &session,
                child,
                relationship,
                Some((values, problems)),
            )
        },
    )
    .await
}

async fn work_page(
    state: &AppState,
    session: &Session,
    child: ChildId,
    posted: Option<(HashMap<String, String>, Problems)>,
) -> Result<Response, WebError> {
    let form = match state
        .app
        .work_form(&session.actor, &session.meta, child)
        .await
    {
        Ok(form) => form,
        Err(e) => return Ok(failed(session, e)),
    };
    let (values, problems) = posted.unwrap_or_default();
    let page = WorkPage {
        chrome: Chrome::for_session(session, "children"),
        id: child.0,
        name: form.name,
        kinds: InvolvementKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        teams: form
            .teams
            .iter()
            .map(|t| (t.team.0, t.name.clone()))
            .collect(),
        values,
        problems: listed(&problems),
    };
    with_status(&page, &problems)
}

/// The form to start new work on the record (a plan, an episode, early help, ...).
pub(crate) async fn work_form(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    work_page(&state, &session, child, None).await
}

/// Reads the new-work form.
pub(crate) fn work_input(values: &HashMap<String, String>) -> (WorkInput, Problems) {
    let mut reading = Problems::new();
    let starts_on = date_into(values, "starts", "The date the work starts", &mut reading);
    let input = WorkInput {
        kind: InvolvementKind::parse(text(values, "kind")).ok(),
        team: text(values, "team").parse().ok().map(TeamId),
        starts_on,
    };
    (input, reading)
}

/// Starts the work; on a problem, the form again with every problem and what was
/// chosen (nothing saved).
pub(crate) async fn open_work(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    session.check_csrf(text(&values, "csrf_token"))?;
    let (input, reading) = work_input(&values);
    let result = state
        .app
        .open_work(&session.actor, &session.meta, child, input, reading)
        .await;
    answer(
        &session,
        result,
        |work| format!("/children/{child}?started=work-{work}#work"),
        |problems| work_page(&state, &session, child, Some((values, problems))),
    )
    .await
}

async fn document_page(
    state: &AppState,
    session: &Session,
    child: ChildId,
    posted: Option<(HashMap<String, String>, Problems)>,
) -> Result<Response, WebError> {
    let form = match state
        .app
        .attachment_form(&session.actor, &session.meta, child)
        .await
    {
        Ok(form) => form,
        Err(e) => return Ok(failed(session, e)),
    };
    let (values, problems) = posted.unwrap_or_default();
    let page = DocumentPage {
        chrome: Chrome::for_session(session, "children"),
        id: child.0,
        name: form.name.clone(),
        work: work_options(&form, None),
        types: DocumentType::ALL
            .iter()
            .map(|t| t.label())
            .collect::<Vec<_>>()
            .join(", "),
        max_mb: MAX_ATTACHMENT_BYTES / (1024 * 1024),
        values,
        problems: listed(&problems),
    };
    with_status(&page, &problems)
}

/// The form to attach a document to the record.
pub(crate) async fn document_form(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    document_page(&state, &session, child, None).await
}

/// Reads the document form: its text fields and the file, keeping no more of the file
/// than the limit (the rest is read and dropped, so the browser sees the answer).
async fn read_document_form(
    mut multipart: axum::extract::Multipart,
) -> (HashMap<String, String>, AttachmentInput) {
    let mut values = HashMap::new();
    let mut input = AttachmentInput {
        involvement: None,
        title: String::new(),
        filename: String::new(),
        bytes: Vec::new(),
        too_large: false,
    };
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            // Past the body limit, or a broken upload: the file did not arrive whole.
            Err(_) => {
                input.too_large = true;
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            input.filename = field.file_name().unwrap_or_default().to_owned();
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) if !input.too_large => {
                        if input.bytes.len() + chunk.len() > MAX_ATTACHMENT_BYTES {
                            input.too_large = true;
                            input.bytes = Vec::new();
                        } else {
                            input.bytes.extend_from_slice(&chunk);
                        }
                    }
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(_) => {
                        input.too_large = true;
                        input.bytes = Vec::new();
                        break;
                    }
                }
            }
        } else if let Ok(value) = field.text().await {
            values.insert(name, value);
        }
    }
    input.involvement = text(&values, "involvement").parse().ok().map(InvolvementId);
    input.title = text(&values, "title").to_owned();
    (values, input)
}

/// A form body that could not be read at all.
pub(crate) fn unreadable() -> WebError {
    AppError::from(carebridge_domain::DomainError::invalid(
        "form",
        "the form could not be read: send it again",
    ))
    .into()
}

/// Attaches a document (a multipart form). A post that is not multipart is read as a
/// form with no file, so the policy still answers first and then the form says what
/// is missing.
pub(crate) async fn add_document(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: axum::extract::Request,
) -> Result<Response, WebError> {
    use axum::extract::FromRequest;
    let child = child_id(&id)?;
    let multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (values, input) = if multipart {
        let form = axum::extract::Multipart::from_request(request, &state)
            .await
            .map_err(|_| unreadable())?;
        read_document_form(form).await
    } else {
        let Form(values) = Form::<HashMap<String, String>>::from_request(request, &state)
            .await
            .map_err(|_| unreadable())?;
        let input = AttachmentInput {
            involvement: text(&values, "involvement").parse().ok().map(InvolvementId),
            title: text(&values, "title").to_owned(),
            filename: String::new(),
            bytes: Vec::new(),
            too_large: false,
        };
        (values, input)
    };
    session.check_csrf(text(&values, "csrf_token"))?;
    let result = state
        .app
        .add_attachment(&session.actor, &session.meta, child, input)
        .await;
    answer(
        &session,
        result,
        |document| format!("/children/{child}?added=document-{document}#documents"),
        |problems| document_page(&state, &session, child, Some((values, problems))),
    )
    .await
}

/// A file name for `Content-Disposition`: an ASCII fallback and the UTF-8 name in the
/// RFC 8187 `filename*` form (hand-written: the encoding is one rule, percent-encode
/// every byte outside RFC 8187's attr-char set).
fn disposition(filename: &str) -> String {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| !matches!(c, '"' | '\\'))
        .collect();
    let mut encoded = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Downloads a document of the record (audited; its SHA-256 checked).
pub(crate) async fn download_document(
    session: Session,
    State(state): State<AppState>,
    Path((id, document)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    let document = document
        .parse()
        .map(AttachmentId)
        .map_err(|_| WebError::NotFound)?;
    let (found, bytes) = match state
        .app
        .download_attachment(&session.actor, &session.meta, child, document)
        .await
    {
        Ok(found) => found,
        Err(e) => return Ok(failed(&session, e)),
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(found.document_type.media_type()),
    );
    if let Ok(value) = axum::http::HeaderValue::from_str(&disposition(&found.filename)) {
        headers.insert(axum::http::header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
