//! Organisations: the authority, provider bodies, the department and the inspectorate,
//! each with what it has provided and the instruments that name it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use carebridge_domain::instrument::{Instrument, InstrumentDetails};
use carebridge_domain::OrganisationId;
use carebridge_policy::AuthorityAction;

use super::{render, AsAtControl, AsAtQuery, Chrome};
use crate::format::{Day, Until};
use crate::session::Session;
use crate::{AppState, WebError};

#[derive(Debug, Clone)]
struct OrganisationLine {
    id: i64,
    name: String,
    kind: &'static str,
    providing: Vec<String>,
}

#[derive(Template)]
#[template(path = "organisations.html")]
struct ListPage {
    chrome: Chrome,
    today: Day,
    organisations: Vec<OrganisationLine>,
}

pub(crate) async fn list(
    session: Session,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    if let Some(page) = super::refused(&session, AuthorityAction::ViewAuthority, "organisations") {
        return Ok(page);
    }
    let today = state.app.clock().today();
    let picture = state.app.provision_picture(today).await?;
    let organisations = picture
        .directory
        .organisations
        .iter()
        .map(|o| OrganisationLine {
            id: o.id.0,
            name: o.name.clone(),
            kind: o.kind.label(),
            providing: picture
                .services
                .iter()
                .filter(|s| s.current_period().is_some_and(|p| p.provider.id == o.id))
                .map(|s| s.service.name.clone())
                .collect(),
        })
        .collect();
    render(&ListPage {
        chrome: Chrome::for_session(&session, "organisations"),
        today: Day(today),
        organisations,
    })
}

#[derive(Debug, Clone)]
struct ProvidedLine {
    service: String,
    from: Day,
    to: Until,
    started_by: String,
    ended_by: String,
    current: bool,
}

/// An instrument as a row of facts.
#[derive(Debug, Clone)]
pub(crate) struct InstrumentLine {
    pub reference: String,
    pub title: String,
    pub kind: &'static str,
    pub made_on: Day,
    pub facts: Vec<(&'static str, String)>,
}

/// Instruments as rows of facts, naming organisations from `directory`.
pub(crate) fn instrument_lines<'a>(
    directory: &carebridge_app::overview::Directory,
    instruments: impl IntoIterator<Item = &'a Instrument>,
) -> Vec<InstrumentLine> {
    let name = |o: OrganisationId| {
        directory
            .organisation(o)
            .map_or_else(|| o.to_string(), |o| o.name.clone())
    };
    instruments
        .into_iter()
        .map(|i| InstrumentLine::new(i, name))
        .collect()
}

impl InstrumentLine {
    /// The facts a reader needs, in words, with organisations named.
    fn new(instrument: &Instrument, name: impl Fn(OrganisationId) -> String) -> Self {
        let yes_no = |b: bool| if b { "Yes" } else { "No" }.to_owned();
        let facts = match &instrument.details {
            InstrumentDetails::ServiceContract {
                commissioner,
                provider,
                starts_on,
                ends_on,
                notice_terms,
            } => vec![
                ("Commissioner", name(*commissioner)),
                ("Provider", name(*provider)),
                ("Starts", Day(*starts_on).to_string()),
                ("Ends", Until(*ends_on).to_string()),
                ("Notice terms", notice_terms.clone()),
            ],
            InstrumentDetails::GovernmentDirection {
                issuer,
                addressed_to,
                effective_from,
                immediate_effect,
                power,
            } => vec![
                ("Made by", name(*issuer)),
                ("Addressed to", name(*addressed_to)),
                ("Takes effect", Day(*effective_from).to_string()),
                ("Immediate effect", yes_no(*immediate_effect)),
                ("Power", power.clone()),
            ],
            InstrumentDetails::CabinetDecision {
                decision,
                recommendation,
            } => vec![
                ("Recommendation", recommendation.clone()),
                ("Decision", decision.clone()),
            ],
            InstrumentDetails::NoticeServed {
                served_by,
                served_on,
                notice_period_days,
                mutual_agreement,
                ends_on,
            } => vec![
                ("Served by", name(*served_by)),
                ("Served on", name(*served_on)),
                ("Notice period", format!("{notice_period_days} days")),
                ("By mutual agreement", yes_no(*mutual_agreement)),
                ("Arrangement ends", Day(*ends_on).to_string()),
            ],
            InstrumentDetails::ImprovementNotice { issuer, review_by } => vec![
                ("Issued by", name(*issuer)),
                (
                    "Review by",
                    review_by.map_or_else(|| "Not set".to_owned(), |d| Day(d).to_string()),
                ),
            ],
        };
        InstrumentLine {
            reference: instrument.reference.clone(),
            title: instrument.title.clone(),
            kind: instrument.kind_label(),
            made_on: Day(instrument.made_on),
            facts,
        }
    }
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationView {
    chrome: Chrome,
    name: String,
    short_name: String,
    kind: &'static str,
    description: String,
    as_at: AsAtControl,
    action: String,
    provided: Vec<ProvidedLine>,
    instruments: Vec<InstrumentLine>,
    staff_employed: usize,
}

pub(crate) async fn show(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<AsAtQuery>,
) -> Result<Response, WebError> {
    if let Some(page) = super::refused(&session, AuthorityAction::ViewAuthority, "organisations") {
        return Ok(page);
    }
    let id: OrganisationId = id.parse().map_err(|_| WebError::NotFound)?;
    let as_at = query.control(state.app.clock().today());
    let page = state.app.organisation_page(id, as_at.date.0).await?;
    let directory = state.app.directory().await?;
    let provided = page
        .provided
        .iter()
        .map(|(service, p)| ProvidedLine {
            service: service.name.clone(),
            from: Day(p.period.period.start()),
            to: Until(p.period.period.end()),
            started_by: p.started_by.title.clone(),
            ended_by: p
                .ended_by
                .as_ref()
                .map(|i| i.title.clone())
                .unwrap_or_default(),
            current: p.period.period.contains(page.as_at),
        })
        .collect();
    render(&OrganisationView {
        chrome: Chrome::for_session(&session, "organisations"),
        name: page.organisation.name.clone(),
        short_name: page.organisation.short_name.clone(),
        kind: page.organisation.kind.label(),
        description: page.organisation.description.clone(),
        as_at,
        action: format!("/organisations/{id}"),
        provided,
        instruments: instrument_lines(&directory, &page.instruments),
        staff_employed: page.staff_employed,
    })
}
