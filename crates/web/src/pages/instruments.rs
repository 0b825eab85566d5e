//! Recording an instrument on the web: choose the kind, fill in its facts, check its
//! effect on provision, save. Directors and service managers only.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use carebridge_app::AppError;
use carebridge_domain::instrument::{Instrument, InstrumentDetails};
use carebridge_domain::{InstrumentId, OrganisationId};
use serde::Deserialize;

use super::transfers::refused;
use super::{see_other, Chrome};
use crate::form::{date, required_date};
use crate::session::Session;
use crate::{AppState, WebError};

/// The kinds, as (code, label, hint).
const KINDS: &[(&str, &str, &str)] = &[
    (
        "service_contract",
        "Service contract",
        "A contract under which a provider delivers services for the council",
    ),
    (
        "government_direction",
        "Government direction",
        "A direction by a department, for example under section 497A of the Education Act 1996",
    ),
    (
        "cabinet_decision",
        "Cabinet decision",
        "A decision of the council's cabinet",
    ),
    (
        "notice_served",
        "Notice served",
        "Notice ending an arrangement, by one party on another",
    ),
    (
        "improvement_notice",
        "Improvement notice",
        "A notice from a department requiring improvement",
    ),
];

/// The new-instrument page's query.
#[derive(Debug, Deserialize)]
pub(crate) struct KindQuery {
    kind: Option<String>,
}

#[derive(Template)]
#[template(path = "instrument_new.html")]
struct NewPage {
    chrome: Chrome,
    kinds: &'static [(&'static str, &'static str, &'static str)],
    kind: Option<(&'static str, &'static str)>,
    error: Option<String>,
    values: HashMap<String, String>,
    organisations: Vec<(i64, String)>,
}

impl NewPage {
    /// What was typed in a field (empty if nothing).
    fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    /// Whether an organisation is the one chosen in a select.
    fn chosen(&self, name: &str, id: &i64) -> bool {
        self.value(name) == id.to_string()
    }

    /// Whether the form is for this kind.
    fn is_kind(&self, code: &str) -> bool {
        self.kind.is_some_and(|(k, _)| k == code)
    }

    /// Whether a checkbox was ticked.
    fn ticked(&self, name: &str) -> bool {
        !self.value(name).is_empty()
    }
}

#[derive(Template)]
#[template(path = "instrument_check.html")]
struct CheckPage {
    chrome: Chrome,
    kind_label: &'static str,
    title: String,
    reference: String,
    made_on: String,
    effect: Vec<String>,
    values: Vec<(String, String)>,
}

async fn new_page(
    state: &AppState,
    session: &Session,
    kind: Option<&str>,
    values: HashMap<String, String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let directory = state.app.directory().await?;
    let page = NewPage {
        chrome: Chrome::for_session(session, "transfers"),
        kinds: KINDS,
        kind: KINDS
            .iter()
            .find(|(code, _, _)| Some(*code) == kind)
            .map(|(c, l, _)| (*c, *l)),
        error: error.clone(),
        values,
        organisations: directory
            .organisations
            .iter()
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
    Query(query): Query<KindQuery>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session) {
        return Ok(page);
    }
    new_page(
        &state,
        &session,
        query.kind.as_deref(),
        HashMap::new(),
        None,
    )
    .await
}

fn organisation(
    values: &HashMap<String, String>,
    name: &str,
    label: &str,
) -> Result<OrganisationId, String> {
    values
        .get(name)
        .and_then(|v| v.parse().ok())
        .map(OrganisationId)
        .ok_or_else(|| format!("Select {label}"))
}

/// Reads the form into an instrument, or says which field is wrong.
pub(crate) fn read(
    values: &HashMap<String, String>,
    authority: OrganisationId,
) -> Result<Instrument, String> {
    let text = |name: &str| {
        values
            .get(name)
            .map_or(String::new(), |v| v.trim().to_owned())
    };
    let made_on = required_date(values, "made", "The date it was made")?;
    let details = match text("kind").as_str() {
        "service_contract" => InstrumentDetails::ServiceContract {
            commissioner: authority,
            provider: organisation(values, "provider", "the provider")?,
            starts_on: required_date(values, "starts", "The date the contract starts")?,
            ends_on: date(values, "ends", "The date the contract ends")?,
            notice_terms: text("notice_terms"),
        },
        "government_direction" => {
            let immediate = !text("immediate").is_empty();
            InstrumentDetails::GovernmentDirection {
                issuer: organisation(values, "issuer", "the department that made it")?,
                addressed_to: organisation(values, "addressed_to", "whom it directs")?,
                effective_from: if immediate {
                    date(values, "effective", "The date it takes effect")?.unwrap_or(made_on)
                } else {
                    required_date(values, "effective", "The date it takes effect")?
                },
                immediate_effect: immediate,
                power: text("power"),
            }
        }
        "cabinet_decision" => InstrumentDetails::CabinetDecision {
            decision: text("decision"),
            recommendation: text("recommendation"),
        },
        "notice_served" => InstrumentDetails::NoticeServed {
            served_by: organisation(values, "served_by", "who served it")?,
            served_on: organisation(values, "served_on", "on whom it was served")?,
            notice_period_days: text("notice_days")
                .parse()
                .map_err(|_| "The notice period must be a whole number of days".to_owned())?,
            mutual_agreement: !text("mutual").is_empty(),
            ends_on: required_date(values, "ends", "The last day of the arrangement")?,
        },
        "improvement_notice" => InstrumentDetails::ImprovementNotice {
            issuer: organisation(values, "issuer", "the department that issued it")?,
            review_by: date(values, "review", "The review date")?,
        },
        _ => return Err("Choose what kind of instrument it is".to_owned()),
    };
    Ok(Instrument {
        id: InstrumentId(0),
        authority,
        reference: text("reference"),
        title: text("title"),
        made_on,
        details,
    })
}

pub(crate) async fn create(
    session: Session,
    State(state): State<AppState>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session) {
        return Ok(page);
    }
    session.check_csrf(values.get("csrf_token").map_or("", String::as_str))?;
    let kind = values.get("kind").cloned();
    let authority = state
        .app
        .store()
        .authority()
        .await
        .map_err(AppError::from)?
        .ok_or(WebError::NotFound)?;
    let instrument = match read(&values, authority.id) {
        Ok(i) => i,
        Err(message) => {
            return new_page(&state, &session, kind.as_deref(), values, Some(message)).await
        }
    };
    if values.get("step").map(String::as_str) == Some("save") {
        return match state.app.record_instrument(&instrument).await {
            Ok(id) => Ok(see_other(&format!("/transfers?recorded={id}"))),
            Err(AppError::Invalid(e)) => {
                new_page(
                    &state,
                    &session,
                    kind.as_deref(),
                    values,
                    Some(e.to_string()),
                )
                .await
            }
            Err(e) => Err(e.into()),
        };
    }
    let effect = match state.app.instrument_effect(&instrument).await {
        Ok(effect) => effect,
        Err(AppError::Invalid(e)) => {
            return new_page(
                &state,
                &session,
                kind.as_deref(),
                values,
                Some(e.to_string()),
            )
            .await
        }
        Err(e) => return Err(e.into()),
    };
    let mut kept: Vec<(String, String)> = values
        .into_iter()
        .filter(|(k, _)| k != "csrf_token" && k != "step")
        .collect();
    kept.sort();
    super::render(&CheckPage {
        chrome: Chrome::for_session(&session, "transfers"),
        kind_label: instrument.kind_label(),
        title: instrument.title.clone(),
        reference: instrument.reference.clone(),
        made_on: instrument.made_on.format("%-d %B %Y").to_string(),
        effect,
        values: kept,
    })
}
