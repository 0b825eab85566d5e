//! Entry points for the fuzz targets in `crates/web/fuzz` and the form property test
//! (`crates/web/tests/forms.rs`): each takes a request body (or query string) as the
//! bytes a client sends and puts them through exactly what its route does before any
//! database work — the same extractor's deserializer into the same form struct
//! (`serde_html_form` for `axum_extra::extract::Form` and its `Query`, `serde_urlencoded`
//! for axum's own), then the same reading and the domain's checks. None may panic,
//! whatever the bytes.
//!
//! Not part of Carebridge's interface: hidden from the documentation, and only here so
//! the fuzzers test the real code rather than a copy.

use std::collections::{BTreeMap, HashMap};

use carebridge_domain::casefile::attachments::{check_attachment, AttachmentInput};
use carebridge_domain::casefile::events::check_event;
use carebridge_domain::casefile::notes::{check_note, WorkSpan};
use carebridge_domain::casefile::work::{check_work, TeamChoice};
use carebridge_domain::child::InvolvementKind;
use carebridge_domain::person::NewChild;
use carebridge_domain::relationships::check_relationship;
use carebridge_domain::search::SearchQuery as ParsedQuery;
use carebridge_domain::{InvolvementId, OrganisationId};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;

use crate::pages;

/// A form's entry point: the bytes of a body; whether they were read into the form.
pub type Entry = fn(&[u8]) -> bool;

/// Every entry point, by name (the fuzz targets' names).
pub const FORMS: &[(&str, Entry)] = &[
    ("registration", registration),
    ("note", note),
    ("event", event),
    ("draft", draft),
    ("allocate", allocate),
    ("close", close),
    ("instrument", instrument),
    ("transfer_plan", transfer_plan),
    ("transfer_step", transfer_step),
    ("break_glass", break_glass),
    ("restriction", restriction),
    ("review", review),
    ("sign_in", sign_in),
    ("sign_out", sign_out),
    ("subject_access", subject_access),
    ("relationship", relationship),
    ("work", work_form),
    ("document", document),
    ("search", search),
    ("as_at", as_at),
];

/// The day the checks are made on (a fixed day: time is an input).
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
}

/// A child's pieces of work, one of each kind, to check notes and events against.
fn work() -> Vec<(WorkSpan, InvolvementKind)> {
    InvolvementKind::ALL
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let start = NaiveDate::from_ymd_opt(2020 + i as i32, 1, 1).unwrap_or_default();
            (
                WorkSpan {
                    id: InvolvementId(i as i64 + 1),
                    start,
                    end: (i % 2 == 0).then(|| start + chrono::Days::new(400)),
                },
                *kind,
            )
        })
        .collect()
}

/// `axum_extra::extract::Form` and `Query`.
fn html_form<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_html_form::from_bytes(body).ok()
}

/// `axum::Form` and `axum::extract::Query`.
fn urlencoded<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_urlencoded::from_bytes(body).ok()
}

/// `POST /children`: registering a child.
pub fn registration(body: &[u8]) -> bool {
    let Some(form) = html_form::<pages::children::RegistrationForm>(body) else {
        return false;
    };
    let _ = NewChild::parse(&form.domain(), today());
    true
}

/// `POST /children/{id}/notes/new`.
pub fn note(body: &[u8]) -> bool {
    let Some(values) = html_form::<HashMap<String, String>>(body) else {
        return false;
    };
    let (input, _reading) = pages::casefile::note_input(&values);
    let spans: Vec<WorkSpan> = work().into_iter().map(|(w, _)| w).collect();
    let _ = check_note(input, &spans, today());
    true
}

/// `POST /children/{id}/relationships/new`.
pub fn relationship(body: &[u8]) -> bool {
    let Some(values) = html_form::<HashMap<String, String>>(body) else {
        return false;
    };
    let (input, _reading) = pages::casefile::relationship_input(&values);
    let known = [carebridge_domain::RelatedPersonId(1)];
    let _ = check_relationship(carebridge_domain::ChildId(1), input, &known, today());
    true
}

/// `POST /children/{id}/work/new`.
pub fn work_form(body: &[u8]) -> bool {
    let Some(values) = html_form::<HashMap<String, String>>(body) else {
        return false;
    };
    let (input, _reading) = pages::casefile::work_input(&values);
    let teams = [TeamChoice {
        team: carebridge_domain::TeamId(1),
        name: "Assessment".to_owned(),
        service: carebridge_domain::ServiceId(1),
        service_code: "CSC".to_owned(),
    }];
    let born = NaiveDate::from_ymd_opt(2015, 3, 14).unwrap_or_default();
    let _ = check_work(input, &teams, &[], born, today());
    true
}

/// `POST /children/{id}/documents/new`, past the multipart reader (axum's): the
/// body's first line is the file's name as the browser sent it, the rest its bytes.
pub fn document(body: &[u8]) -> bool {
    let (name, bytes) = match body.iter().position(|b| *b == b'\n') {
        Some(at) => body.split_at(at),
        None => (body, &[][..]),
    };
    let input = AttachmentInput {
        involvement: Some(InvolvementId(1)),
        title: "A document".to_owned(),
        filename: String::from_utf8_lossy(name).into_owned(),
        bytes: bytes.get(1..).unwrap_or_default().to_vec(),
        too_large: false,
    };
    let spans: Vec<WorkSpan> = work().into_iter().map(|(w, _)| w).collect();
    let _ = check_attachment(input, &spans);
    true
}

/// `POST /children/{id}/events/new`.
pub fn event(body: &[u8]) -> bool {
    let Some(values) = html_form::<HashMap<String, String>>(body) else {
        return false;
    };
    let (input, _reading) = pages::casefile::event_input(&values);
    let _ = check_event(input, &work(), today());
    true
}

/// `POST /children/{id}/drafts/{form}` (what `drafts.js` sends every few seconds).
pub fn draft(body: &[u8]) -> bool {
    let Some(values) = html_form::<BTreeMap<String, String>>(body) else {
        return false;
    };
    let _ = carebridge_app::casefile::draft_fields(values);
    true
}

/// `POST /cases/{id}/allocate`.
pub fn allocate(body: &[u8]) -> bool {
    html_form::<pages::casework::AllocationForm>(body)
        .map(|form| form.read())
        .is_some()
}

/// `POST /cases/{id}/close`.
pub fn close(body: &[u8]) -> bool {
    html_form::<pages::casework::CloseForm>(body)
        .map(|form| form.read())
        .is_some()
}

/// `POST /instruments`.
pub fn instrument(body: &[u8]) -> bool {
    html_form::<HashMap<String, String>>(body)
        .map(|values| pages::instruments::read(&values, OrganisationId(1)))
        .is_some()
}

/// `POST /transfers`.
pub fn transfer_plan(body: &[u8]) -> bool {
    html_form::<pages::transfers::PlanForm>(body)
        .map(|form| pages::transfers::read_form(&form))
        .is_some()
}

/// `POST /transfers/{id}/steps`.
pub fn transfer_step(body: &[u8]) -> bool {
    html_form::<pages::transfers::StepForm>(body)
        .map(|form| form.read())
        .is_some()
}

/// `POST /children/{id}/break-glass`.
pub fn break_glass(body: &[u8]) -> bool {
    html_form::<pages::children::BreakGlassForm>(body).is_some()
}

/// `POST /children/{id}/restriction`.
pub fn restriction(body: &[u8]) -> bool {
    html_form::<pages::children::RestrictionForm>(body)
        .map(|form| form.named())
        .is_some()
}

/// `POST /governance/break-glass/{id}`.
pub fn review(body: &[u8]) -> bool {
    html_form::<pages::governance::ReviewForm>(body).is_some()
}

/// `POST /sign-in`.
pub fn sign_in(body: &[u8]) -> bool {
    urlencoded::<pages::sign_in::SignInForm>(body)
        .map(|form| form.next())
        .is_some()
}

/// `POST /sign-out`.
pub fn sign_out(body: &[u8]) -> bool {
    urlencoded::<pages::sign_in::SignOutForm>(body).is_some()
}

/// `POST /children/{id}/subject-access`.
pub fn subject_access(body: &[u8]) -> bool {
    html_form::<pages::subject_access::SubjectAccessForm>(body)
        .map(|form| {
            carebridge_app::subject_access::SubjectAccessRequest::parse(
                &form.reference,
                &form.requester,
                &form.format,
            )
        })
        .is_some()
}

/// `GET /children?q=…`: the search box.
pub fn search(query: &[u8]) -> bool {
    urlencoded::<pages::children::SearchQuery>(query)
        .map(|q| ParsedQuery::parse(&q.q))
        .is_some()
}

/// The "as at" date control's query, on every page that has it.
pub fn as_at(query: &[u8]) -> bool {
    urlencoded::<pages::AsAtQuery>(query)
        .map(|q| (q.control(today()), q.page()))
        .is_some()
}
