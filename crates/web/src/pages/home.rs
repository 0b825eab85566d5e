//! Home: the authority, its services and who provides each one today, with the
//! authority's story (instruments, milestones and inspections) in date order.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{render, Chrome};
use crate::format::Day;
use crate::session::Session;
use crate::{AppState, WebError};

/// A service and who provides it today.
#[derive(Debug, Clone)]
struct ServiceLine {
    name: String,
    description: String,
    provider_id: Option<i64>,
    provider: String,
    since: Option<Day>,
    instrument: String,
    open_involvements: i64,
}

/// One dated event in the authority's story.
#[derive(Debug, Clone)]
struct StoryEvent {
    date: Day,
    kind: &'static str,
    title: String,
    text: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    authority: Option<String>,
    today: Day,
    services: Vec<ServiceLine>,
    children: i64,
    staff_employed: i64,
    latest_inspection: Option<(Day, &'static str)>,
    story: Vec<StoryEvent>,
}

pub(crate) async fn show(
    session: Session,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    let chrome = Chrome::for_session(&session, "home");
    let today = Day(state.app.clock().today());
    let Some(home) = state.app.home().await? else {
        return render(&HomePage {
            chrome,
            authority: None,
            today,
            services: Vec::new(),
            children: 0,
            staff_employed: 0,
            latest_inspection: None,
            story: Vec::new(),
        });
    };
    let services = home
        .picture
        .services
        .iter()
        .map(|s| {
            let current = s.current_period();
            ServiceLine {
                name: s.service.name.clone(),
                description: s.service.description.clone(),
                provider_id: current.map(|p| p.provider.id.0),
                provider: current.map_or_else(
                    || "No provider recorded".to_owned(),
                    |p| p.provider.name.clone(),
                ),
                since: current.map(|p| Day(p.period.period.start())),
                instrument: current
                    .map(|p| p.started_by.title.clone())
                    .unwrap_or_default(),
                open_involvements: home
                    .open_involvements
                    .get(&s.service.id)
                    .copied()
                    .unwrap_or(0),
            }
        })
        .collect();
    let mut story: Vec<StoryEvent> = home
        .picture
        .directory
        .instruments
        .iter()
        .map(|i| StoryEvent {
            date: Day(i.made_on),
            kind: i.kind_label(),
            title: i.title.clone(),
            text: i.reference.clone(),
        })
        .chain(home.milestones.iter().map(|m| StoryEvent {
            date: Day(m.occurred_on),
            kind: "Milestone",
            title: m.title.clone(),
            text: m.description.clone(),
        }))
        .chain(home.inspections.iter().map(|i| StoryEvent {
            date: Day(i.published_on),
            kind: "Inspection",
            title: format!("Ofsted judgement: {}", i.judgement.label()),
            text: i.summary.clone(),
        }))
        .collect();
    story.sort_by_key(|e| e.date);
    render(&HomePage {
        chrome,
        authority: Some(home.authority.name.clone()),
        today,
        services,
        children: home.children,
        staff_employed: home.staff_employed,
        latest_inspection: home
            .latest_inspection
            .as_ref()
            .map(|i| (Day(i.published_on), i.judgement.label())),
        story,
    })
}
