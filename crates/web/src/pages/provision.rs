//! The provision timeline: for each service, which organisation provided it from when
//! to when and under which instrument, with an "as at" control that shows the whole
//! picture on any date.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use carebridge_policy::AuthorityAction;

use super::organisations::{instrument_lines, InstrumentLine};
use super::{render, AsAtControl, AsAtQuery, Chrome};
use crate::format::{Day, Until};
use crate::session::Session;
use crate::timeline::Timeline;
use crate::{AppState, WebError};

#[derive(Debug, Clone)]
struct PeriodLine {
    provider_id: i64,
    provider: String,
    from: Day,
    to: Until,
    started_by: String,
    ended_by: String,
    in_force: bool,
}

#[derive(Debug, Clone)]
struct ServiceLines {
    name: String,
    provider_on_date: Option<(i64, String)>,
    periods: Vec<PeriodLine>,
}

#[derive(Template)]
#[template(path = "provision.html")]
struct ProvisionPage {
    chrome: Chrome,
    as_at: AsAtControl,
    action: &'static str,
    timeline: Timeline,
    key: Vec<(usize, String)>,
    services: Vec<ServiceLines>,
    instruments: Vec<InstrumentLine>,
}

pub(crate) async fn show(
    session: Session,
    State(state): State<AppState>,
    Query(query): Query<AsAtQuery>,
) -> Result<Response, WebError> {
    if let Some(page) = super::refused(&session, AuthorityAction::ViewAuthority, "provision") {
        return Ok(page);
    }
    let as_at = query.control(state.app.clock().today());
    let picture = state.app.provision_picture(as_at.date.0).await?;
    let timeline = Timeline::new(&picture);
    let services = picture
        .services
        .iter()
        .map(|s| ServiceLines {
            name: s.service.name.clone(),
            provider_on_date: s
                .current_period()
                .map(|p| (p.provider.id.0, p.provider.name.clone())),
            periods: s
                .periods
                .iter()
                .map(|p| PeriodLine {
                    provider_id: p.provider.id.0,
                    provider: p.provider.name.clone(),
                    from: Day(p.period.period.start()),
                    to: Until(p.period.period.end()),
                    started_by: p.started_by.title.clone(),
                    ended_by: p
                        .ended_by
                        .as_ref()
                        .map(|i| i.title.clone())
                        .unwrap_or_default(),
                    in_force: p.period.period.contains(picture.as_at),
                })
                .collect(),
        })
        .collect();
    let directory = &picture.directory;
    render(&ProvisionPage {
        chrome: Chrome::for_session(&session, "provision"),
        as_at,
        action: "/provision",
        key: picture
            .providers
            .iter()
            .enumerate()
            .map(|(i, o)| (i % 6, o.name.clone()))
            .collect(),
        timeline,
        services,
        instruments: instrument_lines(directory, &directory.instruments),
    })
}
