//! Services, teams, posts and staff, each as at a date, with who they work for.
//!
//! Teams and posts belong to a service; they work for whoever provides that service on
//! the date. Staff are employed by an organisation in a post; under TUPE the employer
//! changes with the service and continuity of employment is kept.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use carebridge_policy::AuthorityAction;

use super::{render, AsAtControl, AsAtQuery, Chrome, Pagination};
use crate::format::Day;
use crate::session::Session;
use crate::{AppState, WebError};

#[derive(Debug, Clone)]
struct ServiceLine {
    name: String,
    code: String,
    description: String,
    provider: Option<(i64, String)>,
    since: Option<Day>,
    teams: usize,
}

#[derive(Template)]
#[template(path = "services.html")]
struct ServicesPage {
    chrome: Chrome,
    as_at: AsAtControl,
    action: &'static str,
    services: Vec<ServiceLine>,
}

pub(crate) async fn services(
    session: Session,
    State(state): State<AppState>,
    Query(query): Query<AsAtQuery>,
) -> Result<Response, WebError> {
    if let Some(page) = super::refused(&session, AuthorityAction::ViewAuthority, "services") {
        return Ok(page);
    }
    let as_at = query.control(state.app.clock().today());
    let picture = state.app.provision_picture(as_at.date.0).await?;
    let teams = state
        .app
        .store()
        .teams()
        .await
        .map_err(carebridge_app::AppError::from)?;
    let services = picture
        .services
        .iter()
        .map(|s| ServiceLine {
            name: s.service.name.clone(),
            code: s.service.code.as_str().to_owned(),
            description: s.service.description.clone(),
            provider: s
                .current_period()
                .map(|p| (p.provider.id.0, p.provider.name.clone())),
            since: s.current_period().map(|p| Day(p.period.period.start())),
            teams: teams.iter().filter(|t| t.service == s.service.id).count(),
        })
        .collect();
    render(&ServicesPage {
        chrome: Chrome::for_session(&session, "services"),
        as_at,
        action: "/services",
        services,
    })
}

#[derive(Debug, Clone)]
struct TeamLine {
    name: String,
    service: String,
    provider: Option<(i64, String)>,
    posts: usize,
    filled: usize,
}

#[derive(Template)]
#[template(path = "teams.html")]
struct TeamsPage {
    chrome: Chrome,
    as_at: AsAtControl,
    action: &'static str,
    teams: Vec<TeamLine>,
}

pub(crate) async fn teams(
    session: Session,
    State(state): State<AppState>,
    Query(query): Query<AsAtQuery>,
) -> Result<Response, WebError> {
    if let Some(page) = super::refused(&session, AuthorityAction::ViewAuthority, "teams") {
        return Ok(page);
    }
    let as_at = query.control(state.app.clock().today());
    let rows = state.app.teams(as_at.date.0).await?;
    let teams = rows
        .into_iter()
        .map(|t| TeamLine {
            name: t.team.name,
            service: t.service_name,
            provider: t.provider.map(|o| (o.id.0, o.name)),
            posts: t.posts,
            filled: t.filled,
        })
        .collect();
    render(&TeamsPage {
        chrome: Chrome::for_session(&session, "teams"),
        as_at,
        action: "/teams",
        teams,
    })
}

#[derive(Debug, Clone)]
struct PostLine {
    code: String,
    title: String,
    grade: String,
    fte: String,
    team: String,
    service: String,
    provider: String,
    holder: Option<String>,
    employer: String,
}

#[derive(Template)]
#[template(path = "posts.html")]
struct PostsPage {
    chrome: Chrome,
    as_at: AsAtControl,
    action: &'static str,
    posts: Vec<PostLine>,
    pagination: Pagination,
}

pub(crate) async fn posts(
    session: Session,
    State(state): State<AppState>,
    Query(query): Query<AsAtQuery>,
) -> Result<Response, WebError> {
    if let Some(page) = super::refused(&session, AuthorityAction::ViewAuthority, "posts") {
        return Ok(page);
    }
    let as_at = query.control(state.app.clock().today());
    let rows = state.app.posts(as_at.date.0).await?;
    let pagination = Pagination::new("/posts", &as_at.query(), query.page(), rows.len());
    let posts = pagination
        .slice(&rows)
        .iter()
        .map(|p| PostLine {
            code: p.row.post.code.as_str().to_owned(),
            title: p.row.post.title.clone(),
            grade: p.row.post.grade.clone(),
            fte: p.row.post.fte(),
            team: p.row.team_name.clone(),
            service: p.service_name.clone(),
            provider: p
                .provider
                .as_ref()
                .map(|o| o.short_name.clone())
                .unwrap_or_default(),
            holder: p.row.holder.as_ref().map(|h| h.1.clone()),
            employer: p.employer.clone().unwrap_or_default(),
        })
        .collect();
    render(&PostsPage {
        chrome: Chrome::for_session(&session, "posts"),
        as_at,
        action: "/posts",
        posts,
        pagination,
    })
}

#[derive(Debug, Clone)]
struct StaffLine {
    name: String,
    email: String,
    /// Social Work England registration number, when a registered social worker.
    registration: Option<String>,
    employer: String,
    post: String,
    team: String,
    since: String,
    continuous_since: String,
}

#[derive(Template)]
#[template(path = "staff.html")]
struct StaffPage {
    chrome: Chrome,
    as_at: AsAtControl,
    action: &'static str,
    staff: Vec<StaffLine>,
    pagination: Pagination,
}

pub(crate) async fn staff(
    session: Session,
    State(state): State<AppState>,
    Query(query): Query<AsAtQuery>,
) -> Result<Response, WebError> {
    if let Some(page) = super::refused(&session, AuthorityAction::ViewAuthority, "staff") {
        return Ok(page);
    }
    let as_at = query.control(state.app.clock().today());
    let rows = state.app.staff(as_at.date.0).await?;
    let pagination = Pagination::new("/staff", &as_at.query(), query.page(), rows.len());
    let staff = pagination
        .slice(&rows)
        .iter()
        .map(|s| {
            let employment = s.row.employment.as_ref();
            StaffLine {
                name: s.row.staff.full_name(),
                email: s.row.staff.email.clone(),
                registration: s
                    .row
                    .staff
                    .swe_registration
                    .as_ref()
                    .map(|r| r.as_str().to_owned()),
                employer: s.employer.clone(),
                post: employment
                    .map(|e| format!("{} ({})", e.2, e.1.as_str()))
                    .unwrap_or_default(),
                team: employment.map(|e| e.3.clone()).unwrap_or_default(),
                since: employment
                    .map(|e| Day(e.0.period.start()).to_string())
                    .unwrap_or_default(),
                continuous_since: employment
                    .map(|e| Day(e.0.continuous_since).to_string())
                    .unwrap_or_default(),
            }
        })
        .collect();
    render(&StaffPage {
        chrome: Chrome::for_session(&session, "staff"),
        as_at,
        action: "/staff",
        staff,
        pagination,
    })
}
