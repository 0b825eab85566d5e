//! Children: the scoped list and search, the record page, break-glass, restriction and
//! the record's access log. Every handler calls one use case in
//! `carebridge_app::records`, which asks the policy and writes the audit entry in the
//! same transaction as the read or write.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use carebridge_app::records::OpenedRecord;
use carebridge_app::AppError;
use carebridge_domain::person::{NewChildForm, PersonDetails, DISABILITIES, ETHNICITIES};
use carebridge_domain::provision::ProvisionPeriod;
use carebridge_domain::search::MatchTier;
use carebridge_domain::DomainError;
use carebridge_domain::{ChildId, OrganisationId, ServiceId};
use carebridge_policy::{decide, role_may, AuthorityAction, ChildAction, MIN_JUSTIFICATION};
use carebridge_store::audit::AuditEntry;
use chrono::NaiveDate;
use serde::Deserialize;

use super::{render, see_other, Chrome};
use crate::format::Day;
use crate::session::Session;
use crate::{AppState, WebError};

fn child_id(text: &str) -> Result<ChildId, WebError> {
    text.parse().map(ChildId).map_err(|_| WebError::NotFound)
}

/// Renders an error in the signed-in chrome.
fn failed(session: &Session, e: impl Into<WebError>) -> Response {
    e.into().page(Chrome::for_session(session, "children"))
}

#[derive(Debug, Deserialize)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    pub(crate) q: String,
}

#[derive(Debug, Clone)]
struct Listing {
    id: i64,
    name: String,
    born: Day,
    unborn: bool,
    nhs_number: String,
    postcode: String,
    /// "Previous name: John Smith", when the search matched a name other than the current one.
    matched: Option<String>,
    /// How the search matched ("Sounds like"), when not exactly.
    how: Option<&'static str>,
    restricted: bool,
}

#[derive(Template)]
#[template(path = "children.html")]
struct ChildrenPage {
    chrome: Chrome,
    query: String,
    children: Vec<Listing>,
    limit: i64,
    may_register: bool,
}

/// The children the person may see (worked out in the query), optionally searched.
pub(crate) async fn list(
    session: Session,
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let found = match state
        .app
        .search_children(&session.actor, &session.meta, &query.q)
        .await
    {
        Ok(found) => found,
        Err(e) => return Ok(failed(&session, e)),
    };
    render(&ChildrenPage {
        chrome: Chrome::for_session(&session, "children"),
        query: query.q.trim().to_owned(),
        children: found
            .into_iter()
            .map(|l| Listing {
                id: l.child.id.0,
                name: format!("{} {}", l.child.given_name, l.child.family_name),
                born: Day(l.child.date_of_birth),
                unborn: l.unborn,
                nhs_number: l.nhs_number.map(|n| n.spaced()).unwrap_or_default(),
                postcode: l
                    .postcode
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default(),
                matched: l
                    .matched_name
                    .map(|n| format!("{}: {}", n.kind.label(), n.full())),
                how: l
                    .tier
                    .filter(|t| *t != MatchTier::Exact)
                    .map(MatchTier::label),
                restricted: l.restricted,
            })
            .collect(),
        limit: carebridge_app::records::SEARCH_LIMIT,
        may_register: decide(&session.actor.subject(), AuthorityAction::RegisterChild).is_ok(),
    })
}

#[derive(Debug, Clone)]
struct WorkLine {
    id: i64,
    kind: &'static str,
    service: String,
    team: String,
    from: Day,
    to: Option<Day>,
    /// Who delivered it at its start, and (when the provider changed during it) since when by whom.
    delivered_by: String,
    changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "child.html")]
struct ChildPage {
    chrome: Chrome,
    id: i64,
    name: String,
    born: Day,
    unborn: bool,
    sex: &'static str,
    grounds: String,
    break_glass_until: Option<String>,
    restricted: bool,
    /// The person's details as (label, value) rows of the summary list.
    person: Vec<(&'static str, String)>,
    /// Previous names and aliases: (kind, name, when).
    other_names: Vec<(&'static str, String, String)>,
    /// Addresses, latest first: (address, from, to).
    addresses: Vec<(String, Day, Option<Day>)>,
    work: Vec<WorkLine>,
    may_restrict: bool,
    may_see_log: bool,
    may_explain: bool,
    may_record: bool,
    due: Vec<DueLine>,
    done: Vec<DueLine>,
    family: Vec<FamilyLine>,
    documents: Vec<DocumentLine>,
}

/// One document on the record page.
#[derive(Debug, Clone)]
struct DocumentLine {
    id: i64,
    title: String,
    filename: String,
    size: String,
    added: Day,
    by: String,
    sha256: String,
    short_hash: String,
}

impl DocumentLine {
    fn from(a: &carebridge_domain::casefile::attachments::Attachment) -> Self {
        DocumentLine {
            id: a.id.0,
            title: a.title.clone(),
            filename: a.filename.clone(),
            size: a.size_text(),
            added: Day(a.day()),
            by: a.recorded_by.clone(),
            sha256: a.sha256.clone(),
            short_hash: a.sha256.chars().take(12).collect(),
        }
    }
}

/// One family member or significant person on the record page.
#[derive(Debug, Clone)]
struct FamilyLine {
    /// The relationship's id (for "Record the end").
    id: i64,
    /// Whether it has ended.
    ended: bool,
    name: String,
    /// Their own record, when they have one.
    child: Option<i64>,
    relationship: String,
    born: Option<Day>,
    /// "Yes, birth mother", "No", or "" when recorded on the other child's record.
    responsibility: String,
    /// "Since 1 September 2024", "1 September 2024 to 3 March 2025", or "".
    when: String,
}

impl FamilyLine {
    fn from(r: &carebridge_domain::relationships::Relationship) -> Self {
        FamilyLine {
            id: r.id.0,
            ended: r.to.is_some(),
            name: r.name.clone(),
            child: r.other_child.map(|c| c.0),
            relationship: r.label.clone(),
            born: r.date_of_birth.map(Day),
            responsibility: match (r.recorded_on_other, r.responsibility) {
                (true, _) => String::new(),
                (false, Some(b)) => format!("Yes: {}", b.label().to_lowercase()),
                (false, None) => "No".to_owned(),
            },
            when: match (r.from, r.to) {
                (Some(f), Some(t)) => format!("{} to {}", Day(f), Day(t)),
                (Some(f), None) => format!("Since {}", Day(f)),
                (None, Some(t)) => format!("Until {}", Day(t)),
                (None, None) => String::new(),
            },
        }
    }
}

/// One line of "what is due" on the record.
#[derive(Debug, Clone)]
pub(crate) struct DueLine {
    pub what: &'static str,
    pub about: String,
    pub due: Day,
    pub status: String,
    pub overdue: bool,
    pub source: &'static str,
}

impl DueLine {
    pub(crate) fn from_item(item: &carebridge_domain::timescales::DueItem) -> Self {
        use carebridge_domain::timescales::{DueFor, Status};
        let rule = item.rule();
        DueLine {
            what: rule.what,
            about: match item.due_for {
                DueFor::Case => String::new(),
                DueFor::Placement { started } => format!("Placement from {}", Day(started)),
                DueFor::Term(term) => term.label(),
            },
            due: Day(item.due),
            status: match item.status {
                Status::DoneOnTime { on } => format!("Done on time on {}", Day(on)),
                Status::DoneLate { on, days_late } => format!(
                    "Done {days_late} day{} late on {}",
                    if days_late == 1 { "" } else { "s" },
                    Day(on)
                ),
                Status::Missed { window_closed } => {
                    format!("Not done before {}", Day(window_closed))
                }
                other => {
                    let text = other.to_string();
                    let mut chars = text.chars();
                    chars
                        .next()
                        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
                }
            },
            overdue: matches!(
                item.status,
                Status::Overdue { .. } | Status::Missed { .. } | Status::DoneLate { .. }
            ),
            source: rule.source.citation,
        }
    }
}

#[derive(Template)]
#[template(path = "child_refused.html")]
struct RefusedPage {
    chrome: Chrome,
    id: i64,
    reason: String,
    may_break_glass: bool,
}

/// Providers of `service` during `from..=to`, in order: (first day, provider).
fn providers_during(
    provision: &[ProvisionPeriod],
    service: ServiceId,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, OrganisationId)> {
    provision
        .iter()
        .filter(|p| {
            p.service == service
                && p.period.start() <= to
                && p.period.end().is_none_or(|e| e >= from)
        })
        .map(|p| (p.period.start().max(from), p.provider))
        .collect()
}

/// A child's record.
pub(crate) async fn show(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    let opened = match state
        .app
        .open_record(&session.actor, &session.meta, child)
        .await
    {
        Ok(opened) => opened,
        Err(AppError::Forbidden(reason)) => {
            let may_break_glass = role_may(session.actor.role, ChildAction::BreakGlass);
            return render(&RefusedPage {
                chrome: Chrome::for_session(&session, "children"),
                id: child.0,
                reason,
                may_break_glass,
            })
            .map(|page| (axum::http::StatusCode::FORBIDDEN, page).into_response());
        }
        Err(e) => return Ok(failed(&session, e)),
    };
    let today = state.app.clock().today();
    let work = describe_work(&state, &opened, today).await?;
    let subject = session.actor.subject();
    let items = carebridge_app::casefile::due_on(&opened, today)?;
    let (outstanding, finished): (Vec<_>, Vec<_>) =
        items.iter().partition(|i| i.status.is_outstanding());
    // The last few done, most recent first.
    let mut finished: Vec<_> = finished;
    finished.sort_by_key(|i| std::cmp::Reverse(i.due));
    finished.truncate(6);
    render(&ChildPage {
        chrome: Chrome::for_session(&session, "children"),
        id: child.0,
        name: format!("{} {}", opened.child.given_name, opened.child.family_name),
        born: Day(opened.child.date_of_birth),
        unborn: opened.person.expected_date_of_birth.is_some(),
        sex: match opened.child.sex.code() {
            "1" => "Male",
            "2" => "Female",
            _ => "Not known",
        },
        grounds: opened.grounds.clone(),
        break_glass_until: opened
            .break_glass_until
            .map(|t| t.format("%H:%M on %-d %B %Y (UTC)").to_string()),
        restricted: opened.restricted,
        person: person_rows(&opened.person),
        other_names: opened
            .person
            .other_names
            .iter()
            .map(|n| {
                let when = match (n.from, n.to) {
                    (Some(f), Some(t)) => format!("{} to {}", Day(f), Day(t)),
                    (Some(f), None) => format!("from {}", Day(f)),
                    (None, Some(t)) => format!("until {}", Day(t)),
                    (None, None) => String::new(),
                };
                (n.kind.label(), n.full(), when)
            })
            .collect(),
        addresses: opened
            .person
            .addresses
            .iter()
            .rev()
            .map(|a| {
                let place = if a.line.is_empty() {
                    a.postcode.as_str().to_owned()
                } else {
                    format!("{}, {}", a.line, a.postcode)
                };
                (place, Day(a.from), a.to.map(Day))
            })
            .collect(),
        work,
        may_restrict: role_may(subject.role, ChildAction::Restrict),
        may_see_log: role_may(subject.role, ChildAction::ViewAccessLog),
        may_explain: role_may(subject.role, ChildAction::ExplainAccess),
        may_record: role_may(subject.role, ChildAction::Record),
        due: outstanding.into_iter().map(DueLine::from_item).collect(),
        done: finished.into_iter().map(DueLine::from_item).collect(),
        family: opened.family.iter().map(FamilyLine::from).collect(),
        documents: opened.attachments.iter().map(DocumentLine::from).collect(),
    })
}

/// The person's details as summary-list rows; "Not recorded" where blank.
fn person_rows(p: &PersonDetails) -> Vec<(&'static str, String)> {
    let or_not = |v: Option<String>| v.unwrap_or_else(|| "Not recorded".to_owned());
    vec![
        ("Gender", or_not(p.gender.clone())),
        (
            "Ethnicity",
            or_not(p.ethnicity.map(|e| format!("{} ({})", e.label(), e.code()))),
        ),
        ("First language", or_not(p.first_language.clone())),
        ("Religion", or_not(p.religion.clone())),
        (
            "NHS number",
            or_not(p.nhs_number.as_ref().map(|n| n.spaced())),
        ),
        ("UPN", or_not(p.upn.as_ref().map(|u| u.as_str().to_owned()))),
        (
            "Disability",
            or_not((!p.disabilities.is_empty()).then(|| {
                p.disabilities
                    .iter()
                    .map(|d| d.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            })),
        ),
        (
            "Unaccompanied asylum-seeking child",
            if p.uasc { "Yes" } else { "No" }.to_owned(),
        ),
        ("Immigration status", or_not(p.immigration_status.clone())),
    ]
}

/// The form fields of the registration form, by the field names the domain's errors
/// use, with the id of the input each error links to.
const REGISTRATION_FIELDS: [(&str, &str); 15] = [
    ("given name", "given_name"),
    ("family name", "family_name"),
    ("sex", "sex"),
    ("date of birth", "born_day"),
    ("expected date of birth", "expected_day"),
    ("NHS number", "nhs_number"),
    ("UPN", "upn"),
    ("postcode", "postcode"),
    ("ethnicity", "ethnicity"),
    ("gender", "gender"),
    ("first language", "first_language"),
    ("religion", "religion"),
    ("disability", "disability"),
    ("asylum-seeking status", "uasc"),
    ("immigration status", "immigration_status"),
];

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RegistrationForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    born_day: String,
    #[serde(default)]
    born_month: String,
    #[serde(default)]
    born_year: String,
    #[serde(default)]
    expected_day: String,
    #[serde(default)]
    expected_month: String,
    #[serde(default)]
    expected_year: String,
    #[serde(default)]
    nhs_number: String,
    #[serde(default)]
    upn: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    ethnicity: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    first_language: String,
    #[serde(default)]
    religion: String,
    /// The ticked disability checkboxes (the field repeats).
    #[serde(default)]
    disability: Vec<String>,
    #[serde(default)]
    uasc: String,
    #[serde(default)]
    immigration_status: String,
}

impl RegistrationForm {
    pub(crate) fn domain(&self) -> NewChildForm {
        NewChildForm {
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            sex: self.sex.clone(),
            born: (
                self.born_day.clone(),
                self.born_month.clone(),
                self.born_year.clone(),
            ),
            expected: (
                self.expected_day.clone(),
                self.expected_month.clone(),
                self.expected_year.clone(),
            ),
            nhs_number: self.nhs_number.clone(),
            upn: self.upn.clone(),
            postcode: self.postcode.clone(),
            ethnicity: self.ethnicity.clone(),
            gender: self.gender.clone(),
            first_language: self.first_language.clone(),
            religion: self.religion.clone(),
            disabilities: self.disability.clone(),
            uasc: self.uasc.clone(),
            immigration_status: self.immigration_status.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "child_new.html")]
struct RegistrationPage {
    chrome: Chrome,
    purpose: FormPurpose,
    form: RegistrationForm,
    /// The date inputs: (prefix, legend, day, month, year as typed).
    dates: Vec<(&'static str, &'static str, String, String, String)>,
    /// The identifier and address inputs.
    texts: Vec<TextInput>,
    /// Gender, first language and religion.
    about: Vec<TextInput>,
    /// Immigration status (after the asylum-seeking question).
    status: Vec<TextInput>,
    disabilities: &'static [(&'static str, &'static str)],
    /// (input id, message), in the order of the form.
    errors: Vec<(&'static str, String)>,
    ethnicities: &'static [(&'static str, &'static str)],
}

/// A text input: (id, label, hint or "", width class, value as typed).
type TextInput = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    String,
);

/// What the person form is for: registering a child, or correcting a record.
#[derive(Debug, Clone)]
struct FormPurpose {
    action: String,
    heading: String,
    lede: &'static str,
    button: &'static str,
    /// The record to go back to: (path, child's name).
    back: Option<(String, String)>,
}

impl FormPurpose {
    fn registration() -> Self {
        FormPurpose {
            action: "/children".to_owned(),
            heading: "Register a child".to_owned(),
            lede: "The child's first piece of work is opened in your team from today, so the record is in your scope. Give the date of birth, or for an unborn child the expected date of birth.",
            button: "Register the child",
            back: None,
        }
    }

    fn correction(child: ChildId, name: &str) -> Self {
        FormPurpose {
            action: format!("/children/{child}/person"),
            heading: format!("Correct {name}'s details"),
            lede: "A new name keeps the old one as a previous name, and search still finds it. A new postcode ends the current address yesterday and starts the new one today; leave it as it is to keep the address.",
            button: "Save the corrections",
            back: Some((format!("/children/{child}"), name.to_owned())),
        }
    }
}

impl RegistrationForm {
    /// The web form holding a domain form's values.
    fn from_domain(f: NewChildForm) -> Self {
        RegistrationForm {
            csrf_token: String::new(),
            given_name: f.given_name,
            family_name: f.family_name,
            sex: f.sex,
            born_day: f.born.0,
            born_month: f.born.1,
            born_year: f.born.2,
            expected_day: f.expected.0,
            expected_month: f.expected.1,
            expected_year: f.expected.2,
            nhs_number: f.nhs_number,
            upn: f.upn,
            postcode: f.postcode,
            ethnicity: f.ethnicity,
            gender: f.gender,
            first_language: f.first_language,
            religion: f.religion,
            disability: f.disabilities,
            uasc: f.uasc,
            immigration_status: f.immigration_status,
        }
    }
}

impl RegistrationPage {
    fn new(
        chrome: Chrome,
        purpose: FormPurpose,
        form: RegistrationForm,
        errors: Vec<(&'static str, String)>,
    ) -> Self {
        let f = &form;
        let dates = vec![
            (
                "born",
                "Date of birth",
                f.born_day.clone(),
                f.born_month.clone(),
                f.born_year.clone(),
            ),
            (
                "expected",
                "Expected date of birth (unborn child)",
                f.expected_day.clone(),
                f.expected_month.clone(),
                f.expected_year.clone(),
            ),
        ];
        let texts = vec![
            (
                "nhs_number",
                "NHS number (optional)",
                "10 digits, for example 999 123 4567",
                "govuk-input--width-10",
                f.nhs_number.clone(),
            ),
            (
                "upn",
                "Unique pupil number (optional)",
                "13 characters, for example B801200005001",
                "govuk-input--width-20",
                f.upn.clone(),
            ),
            (
                "postcode",
                "Postcode of the child's address (optional)",
                "For example NM1 2AB",
                "govuk-input--width-10",
                f.postcode.clone(),
            ),
        ];
        let about = vec![
            (
                "gender",
                "Gender",
                "In the child's own words, where it differs from or adds to their sex",
                "govuk-!-width-one-half",
                f.gender.clone(),
            ),
            (
                "first_language",
                "First language",
                "",
                "govuk-!-width-one-half",
                f.first_language.clone(),
            ),
            (
                "religion",
                "Religion",
                "",
                "govuk-!-width-one-half",
                f.religion.clone(),
            ),
        ];
        let status = vec![(
            "immigration_status",
            "Immigration status",
            "For example, asylum claim pending or refugee status granted",
            "govuk-!-width-two-thirds",
            f.immigration_status.clone(),
        )];
        RegistrationPage {
            chrome,
            purpose,
            form,
            dates,
            texts,
            about,
            status,
            disabilities: &DISABILITIES,
            errors,
            ethnicities: &ETHNICITIES,
        }
    }

    /// Whether the disability with `code` is ticked.
    fn ticked(&self, code: &str) -> bool {
        self.form.disability.iter().any(|d| d.trim() == code)
    }

    /// The error message for the field whose input has `id`, if any.
    fn error(&self, id: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, m)| m.as_str())
    }

    /// The form group class, with the error modifier when the field has an error.
    fn group(&self, id: &str) -> &'static str {
        if self.error(id).is_some() {
            "govuk-form-group govuk-form-group--error"
        } else {
            "govuk-form-group"
        }
    }
}

/// A field's error as the GOV.UK pattern words it: an instruction on its own
/// ("Enter the given name"), otherwise the field then what is wrong ("Postcode must be
/// a UK postcode, like NM1 2AB").
fn error_message(field: &str, problem: &str) -> String {
    let capital = |s: &str| {
        let mut chars = s.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect::<String>())
            .unwrap_or_default()
    };
    if ["enter ", "choose ", "give ", "you "]
        .iter()
        .any(|verb| problem.starts_with(verb))
    {
        capital(problem)
    } else {
        format!("{} {problem}", capital(field))
    }
}

/// The registration form.
pub(crate) async fn register_form(session: Session) -> Result<Response, WebError> {
    if let Some(page) = super::refused(&session, AuthorityAction::RegisterChild, "children") {
        return Ok(page);
    }
    render(&RegistrationPage::new(
        Chrome::for_session(&session, "children"),
        FormPurpose::registration(),
        RegistrationForm::default(),
        Vec::new(),
    ))
}

/// Registers a child; on success goes to their record, otherwise shows the form again
/// with every problem and the values as typed (nothing is saved).
pub(crate) async fn register(
    session: Session,
    State(state): State<AppState>,
    Form(form): Form<RegistrationForm>,
) -> Result<Response, WebError> {
    session.check_csrf(&form.csrf_token)?;
    if let Some(page) = super::refused(&session, AuthorityAction::RegisterChild, "children") {
        return Ok(page);
    }
    let problems = match state
        .app
        .register_child(&session.actor, &session.meta, &form.domain())
        .await
    {
        Ok(Ok(child)) => return Ok(see_other(&format!("/children/{}", child.0))),
        Ok(Err(problems)) => problems,
        Err(e) => return Ok(failed(&session, e)),
    };
    render(&RegistrationPage::new(
        Chrome::for_session(&session, "children"),
        FormPurpose::registration(),
        form,
        form_errors(&problems),
    ))
    .map(|page| (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The person form's problems as (input id, message), in the GOV.UK wording.
fn form_errors(problems: &[DomainError]) -> Vec<(&'static str, String)> {
    problems
        .iter()
        .map(|e| match e {
            DomainError::Invalid { field, problem } => {
                let id = REGISTRATION_FIELDS
                    .iter()
                    .find(|(f, _)| f == field)
                    .map_or("given_name", |(_, id)| *id);
                (id, error_message(field, problem))
            }
            other => ("given_name", other.to_string()),
        })
        .collect()
}

/// The form to correct a child's person details, filled in with the record.
pub(crate) async fn person_form(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    match state
        .app
        .person_form(&session.actor, &session.meta, child)
        .await
    {
        Ok((name, form)) => render(&RegistrationPage::new(
            Chrome::for_session(&session, "children"),
            FormPurpose::correction(child, &name),
            RegistrationForm::from_domain(form),
            Vec::new(),
        )),
        Err(e) => Ok(failed(&session, e)),
    }
}

/// Saves corrections to a child's person details; on a problem, the form again with
/// every problem and the values as typed (nothing saved).
pub(crate) async fn edit_person(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<RegistrationForm>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    session.check_csrf(&form.csrf_token)?;
    let problems = match state
        .app
        .edit_person(&session.actor, &session.meta, child, &form.domain())
        .await
    {
        Ok(Ok(())) => return Ok(see_other(&format!("/children/{child}?corrected=person"))),
        Ok(Err(problems)) => problems,
        Err(e) => return Ok(failed(&session, e)),
    };
    let name = format!("{} {}", form.given_name.trim(), form.family_name.trim());
    render(&RegistrationPage::new(
        Chrome::for_session(&session, "children"),
        FormPurpose::correction(child, &name),
        form,
        form_errors(&problems),
    ))
    .map(|page| (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn describe_work(
    state: &AppState,
    opened: &OpenedRecord,
    today: NaiveDate,
) -> Result<Vec<WorkLine>, WebError> {
    let directory = state.app.directory().await?;
    let store = state.app.store();
    let provision = store.provision_periods().await.map_err(AppError::from)?;
    let teams = store.teams().await.map_err(AppError::from)?;
    Ok(opened
        .involvements
        .iter()
        .map(|w| {
            let to = w
                .period
                .end()
                .unwrap_or(today)
                .min(today)
                .max(w.period.start());
            let providers = providers_during(&provision, w.service, w.period.start(), to);
            let name = |o: OrganisationId| {
                directory
                    .organisation(o)
                    .map_or_else(|| format!("organisation {}", o.0), |o| o.name.clone())
            };
            WorkLine {
                id: w.id.0,
                kind: w.kind.label(),
                service: directory
                    .services
                    .iter()
                    .find(|s| s.id == w.service)
                    .map_or_else(String::new, |s| s.name.clone()),
                team: w
                    .team
                    .and_then(|t| teams.iter().find(|x| x.id == t))
                    .map_or_else(|| "Not allocated".to_owned(), |t| t.name.clone()),
                from: Day(w.period.start()),
                to: w.period.end().map(Day),
                delivered_by: providers
                    .first()
                    .map_or_else(|| "No provider recorded".to_owned(), |(_, o)| name(*o)),
                changes: providers
                    .iter()
                    .skip(1)
                    .map(|(day, o)| format!("From {} delivered by {}", Day(*day), name(*o)))
                    .collect(),
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "break_glass.html")]
struct BreakGlassPage {
    chrome: Chrome,
    id: i64,
    justification: String,
    error: Option<String>,
    min: usize,
    hours: i64,
}

/// The break-glass form.
pub(crate) async fn break_glass_form(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if let Err(e) = state
        .app
        .authorise_child_action(&session.actor, ChildAction::BreakGlass)
    {
        return Ok(failed(&session, e));
    }
    let child = child_id(&id)?;
    render(&BreakGlassPage {
        chrome: Chrome::for_session(&session, "children"),
        id: child.0,
        justification: String::new(),
        error: None,
        min: MIN_JUSTIFICATION,
        hours: carebridge_policy::BREAK_GLASS_LASTS.num_hours(),
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct BreakGlassForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    justification: String,
}

/// Breaks the glass, then opens the record.
pub(crate) async fn break_glass(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<BreakGlassForm>,
) -> Result<Response, WebError> {
    session.check_csrf(&form.csrf_token)?;
    let child = child_id(&id)?;
    match state
        .app
        .break_glass(&session.actor, &session.meta, child, &form.justification)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/children/{}", child.0))),
        Err(AppError::Invalid(e)) => render(&BreakGlassPage {
            chrome: Chrome::for_session(&session, "children"),
            id: child.0,
            justification: form.justification,
            error: Some(e.to_string()),
            min: MIN_JUSTIFICATION,
            hours: carebridge_policy::BREAK_GLASS_LASTS.num_hours(),
        })
        .map(|page| (axum::http::StatusCode::BAD_REQUEST, page).into_response()),
        Err(e) => Ok(failed(&session, e)),
    }
}

#[derive(Template)]
#[template(path = "restriction.html")]
struct RestrictionPage {
    chrome: Chrome,
    id: i64,
    reason: String,
    named: String,
    error: Option<String>,
}

/// The form to restrict a record (or lift its restriction).
pub(crate) async fn restriction_form(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if let Err(e) = state
        .app
        .authorise_child_action(&session.actor, ChildAction::Restrict)
    {
        return Ok(failed(&session, e));
    }
    let child = child_id(&id)?;
    render(&RestrictionPage {
        chrome: Chrome::for_session(&session, "children"),
        id: child.0,
        reason: String::new(),
        named: String::new(),
        error: None,
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct RestrictionForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    named: String,
}

impl RestrictionForm {
    /// The sign-in names typed, split on commas, spaces and lines.
    pub(crate) fn named(&self) -> Vec<String> {
        self.named
            .split([',', '\n', ' '])
            .map(str::to_owned)
            .collect()
    }
}

/// Restricts the record to named people, or lifts the restriction.
pub(crate) async fn restrict(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<RestrictionForm>,
) -> Result<Response, WebError> {
    session.check_csrf(&form.csrf_token)?;
    let child = child_id(&id)?;
    let done = if form.action == "lift" {
        state
            .app
            .lift_restriction(&session.actor, &session.meta, child)
            .await
            .map(|_| ())
    } else {
        let named = form.named();
        state
            .app
            .restrict_record(&session.actor, &session.meta, child, &form.reason, &named)
            .await
    };
    match done {
        Ok(()) => Ok(see_other(&format!("/children/{}/restriction", child.0))),
        Err(AppError::Invalid(e)) => render(&RestrictionPage {
            chrome: Chrome::for_session(&session, "children"),
            id: child.0,
            reason: form.reason,
            named: form.named,
            error: Some(e.to_string()),
        })
        .map(|page| (axum::http::StatusCode::BAD_REQUEST, page).into_response()),
        Err(e) => Ok(failed(&session, e)),
    }
}

/// One audit entry as the access-log pages show it.
#[derive(Debug, Clone)]
pub(crate) struct LogLine {
    pub seq: i64,
    pub at: String,
    pub who: String,
    pub role: String,
    pub action: String,
    pub child: Option<i64>,
    pub allowed: bool,
    pub reason: String,
    pub client: String,
    pub request_id: String,
}

impl From<&AuditEntry> for LogLine {
    fn from(e: &AuditEntry) -> Self {
        LogLine {
            seq: e.seq,
            at: e.entry.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            who: e.entry.username.clone(),
            role: e.entry.role.clone(),
            action: e.entry.action.clone(),
            child: e.entry.child.map(|c| c.0),
            allowed: e.entry.allowed,
            reason: e.entry.reason.clone(),
            client: e.entry.client.clone(),
            request_id: e.entry.request_id.clone(),
        }
    }
}

/// Audit entries as a CSV download, for the information governance exports.
pub(crate) fn log_csv(entries: &[AuditEntry], file: &str) -> Result<Response, WebError> {
    Ok(super::csv_download(
        file,
        carebridge_app::records::audit_csv(entries)?,
    ))
}

#[derive(Template)]
#[template(path = "access_log.html")]
struct AccessLogPage {
    chrome: Chrome,
    heading: String,
    csv_href: String,
    /// The subject access request form for the child whose log this is.
    sar_href: Option<String>,
    lines: Vec<LogLine>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct LogQuery {
    #[serde(default)]
    user: String,
}

async fn child_log(
    session: &Session,
    state: &AppState,
    id: &str,
    query: &LogQuery,
) -> Result<Result<(ChildId, Vec<AuditEntry>), Response>, WebError> {
    let child = child_id(id)?;
    match state
        .app
        .access_log_of_child(&session.actor, &session.meta, child)
        .await
    {
        Ok(mut entries) => {
            let who = query.user.trim();
            if !who.is_empty() {
                entries.retain(|e| e.entry.username == who);
            }
            Ok(Ok((child, entries)))
        }
        Err(e) => Ok(Err(failed(session, e))),
    }
}

/// Who accessed this child's record (information governance).
pub(crate) async fn access_log(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<LogQuery>,
) -> Result<Response, WebError> {
    let (child, entries) = match child_log(&session, &state, &id, &query).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    render(&AccessLogPage {
        chrome: Chrome::for_session(&session, "governance"),
        heading: format!("Who accessed the record of child {}", child.0),
        csv_href: format!("/children/{}/access-log.csv", child.0),
        sar_href: Some(format!("/children/{}/subject-access", child.0)),
        lines: entries.iter().map(LogLine::from).collect(),
    })
}

/// The same, as CSV.
pub(crate) async fn access_log_csv(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<LogQuery>,
) -> Result<Response, WebError> {
    match child_log(&session, &state, &id, &query).await? {
        Ok((child, entries)) => log_csv(&entries, &format!("access-log-child-{}.csv", child.0)),
        Err(page) => Ok(page),
    }
}

#[derive(Debug, Clone)]
struct AccessRow {
    name: String,
    post: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "child_access.html")]
struct ChildAccessPage {
    chrome: Chrome,
    id: i64,
    name: String,
    as_at: super::AsAtControl,
    action: String,
    rows: Vec<AccessRow>,
}

/// Who could open this child's record on a day, and why (information governance lead,
/// or a manager about a record in their scope).
pub(crate) async fn who_could_open(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<super::AsAtQuery>,
) -> Result<Response, WebError> {
    let child = child_id(&id)?;
    let as_at = query.control(state.app.clock().today());
    let answer = match state
        .app
        .explain_access_as(&session.actor, &session.meta, child, as_at.date.0)
        .await
    {
        Ok(answer) => answer,
        Err(e) => return Ok(failed(&session, e)),
    };
    render(&ChildAccessPage {
        chrome: Chrome::for_session(&session, "children"),
        id: child.0,
        name: format!("{} {}", answer.child.given_name, answer.child.family_name),
        action: format!("/children/{}/access", child.0),
        as_at,
        rows: answer
            .lines
            .iter()
            .map(|l| AccessRow {
                name: l.staff.full_name(),
                post: format!("{} ({})", l.post.title, l.post.code.as_str()),
                reason: l.reason.clone(),
            })
            .collect(),
    })
}
