//! Information governance: the break-glass queue with its reviews, the restricted
//! records, and what one person accessed — each with a CSV export. Only the
//! information governance lead's role may open these pages.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::Form;
use carebridge_app::AppError;
use carebridge_policy::AuthorityAction;
use serde::Deserialize;

use super::children::{log_csv, LogLine};
use super::{refused, render, see_other, Chrome};
use crate::session::Session;
use crate::{AppState, WebError};

#[derive(Debug, Clone)]
struct GlassLine {
    id: i64,
    who: String,
    child: i64,
    justification: String,
    opened: String,
    expires: String,
    review: Option<String>,
}

#[derive(Debug, Clone)]
struct RestrictedLine {
    child: i64,
    reason: String,
    by: String,
    at: String,
    named: String,
}

#[derive(Template)]
#[template(path = "governance.html")]
struct GovernancePage {
    chrome: Chrome,
    waiting: usize,
    glass: Vec<GlassLine>,
    restricted: Vec<RestrictedLine>,
    error: Option<String>,
}

const QUEUE_LIMIT: i64 = 200;

async fn page(
    session: &Session,
    state: &AppState,
    error: Option<String>,
) -> Result<Response, WebError> {
    let store = state.app.store();
    let name = account_names(state).await?;
    let glass = store
        .break_glass_queue(QUEUE_LIMIT)
        .await
        .map_err(AppError::from)?;
    let restricted = store.restrictions().await.map_err(AppError::from)?;
    let when = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    render(&GovernancePage {
        chrome: Chrome::for_session(session, "governance"),
        waiting: glass.iter().filter(|g| g.review.is_none()).count(),
        glass: glass
            .iter()
            .map(|g| GlassLine {
                id: g.id,
                who: g.username.clone(),
                child: g.child.0,
                justification: g.justification.clone(),
                opened: when(g.opened_at),
                expires: when(g.expires_at),
                review: g.review.as_ref().map(|(outcome, note, by, at)| {
                    format!("{outcome} by {} at {}: {note}", name(*by), when(*at))
                }),
            })
            .collect(),
        restricted: restricted
            .iter()
            .map(|r| RestrictedLine {
                child: r.child.0,
                reason: r.reason.clone(),
                by: name(r.restricted_by),
                at: when(r.restricted_at),
                named: r
                    .named
                    .iter()
                    .map(|u| name(*u))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        error,
    })
}

/// The information governance overview.
pub(crate) async fn show(
    session: Session,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session, AuthorityAction::Govern, "governance") {
        return Ok(page);
    }
    page(&session, &state, None).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct ReviewForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

/// Reviews one break-glass opening: accept, or escalate with a note.
pub(crate) async fn review(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, WebError> {
    session.check_csrf(&form.csrf_token)?;
    if let Some(page) = refused(&session, AuthorityAction::Govern, "governance") {
        return Ok(page);
    }
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    match state
        .app
        .review_break_glass(
            &session.actor,
            &session.meta,
            id,
            form.outcome == "escalate",
            &form.note,
        )
        .await
    {
        Ok(()) => Ok(see_other("/governance")),
        Err(AppError::Invalid(e)) => page(&session, &state, Some(e.to_string())).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "access_log.html")]
struct PersonLogPage {
    chrome: Chrome,
    heading: String,
    csv_href: String,
    /// A person's log has no subject access request (that is a child's).
    sar_href: Option<String>,
    lines: Vec<LogLine>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct PersonQuery {
    #[serde(default)]
    username: String,
}

async fn person_entries(
    state: &AppState,
    username: &str,
) -> Result<(String, Vec<carebridge_store::audit::AuditEntry>), WebError> {
    let user = state
        .app
        .store()
        .user_by_username(username.trim())
        .await
        .map_err(AppError::from)?
        .ok_or(WebError::NotFound)?;
    let entries = state
        .app
        .store()
        .audit_of_user(user.id, carebridge_app::records::LOG_LIMIT)
        .await
        .map_err(AppError::from)?;
    Ok((user.username, entries))
}

/// What one person accessed (information governance).
pub(crate) async fn person(
    session: Session,
    State(state): State<AppState>,
    Query(query): Query<PersonQuery>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session, AuthorityAction::Govern, "governance") {
        return Ok(page);
    }
    let (username, entries) = person_entries(&state, &query.username).await?;
    render(&PersonLogPage {
        chrome: Chrome::for_session(&session, "governance"),
        heading: format!("What {username} accessed"),
        csv_href: format!("/governance/person.csv?username={username}"),
        sar_href: None,
        lines: entries.iter().map(LogLine::from).collect(),
    })
}

/// The same, as CSV.
pub(crate) async fn person_csv(
    session: Session,
    State(state): State<AppState>,
    Query(query): Query<PersonQuery>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session, AuthorityAction::Govern, "governance") {
        return Ok(page);
    }
    let (username, entries) = person_entries(&state, &query.username).await?;
    log_csv(&entries, &format!("access-by-{username}.csv"))
}

async fn account_names(
    state: &AppState,
) -> Result<impl Fn(carebridge_domain::UserId) -> String, WebError> {
    let users = state.app.store().users().await.map_err(AppError::from)?;
    Ok(move |id: carebridge_domain::UserId| {
        users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| format!("account {}", id.0), |u| u.username.clone())
    })
}

/// The break-glass queue as CSV.
pub(crate) async fn break_glass_csv(
    session: Session,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session, AuthorityAction::Govern, "governance") {
        return Ok(page);
    }
    let openings = state
        .app
        .store()
        .break_glass_queue(i64::MAX)
        .await
        .map_err(AppError::from)?;
    Ok(super::csv_download(
        "break-glass.csv",
        carebridge_app::records::break_glass_csv(&openings)?,
    ))
}

/// The restricted records as CSV.
pub(crate) async fn restricted_csv(
    session: Session,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    if let Some(page) = refused(&session, AuthorityAction::Govern, "governance") {
        return Ok(page);
    }
    let restrictions = state
        .app
        .store()
        .restrictions()
        .await
        .map_err(AppError::from)?;
    let name = account_names(&state).await?;
    Ok(super::csv_download(
        "restricted-records.csv",
        carebridge_app::records::restricted_csv(&restrictions, name)?,
    ))
}
