//! Ofsted's Annex A in the browser: an analyst or the director chooses the window
//! (the twelve months to today unless they change it) and downloads the workbook. The
//! page says what each list takes and what Carebridge does not record.
//!
//! Who may: the policy's [`AuthorityAction::ProduceReturns`], decided (and a refusal
//! audited) by the use case, `carebridge_app::returns`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use carebridge_app::returns::Producer;
use carebridge_app::AppError;
use carebridge_policy::AuthorityAction;
use carebridge_returns::annex_a::{Window, COLUMNS, NOTES, TITLES};
use chrono::{Datelike, NaiveDate};

use super::Chrome;
use crate::session::Session;
use crate::{form, AppState, WebError};

/// One list as the page describes it.
struct ListView {
    number: usize,
    title: &'static str,
    columns: usize,
    note: &'static str,
}

#[derive(Template)]
#[template(path = "annex_a.html")]
struct AnnexAPage {
    chrome: Chrome,
    lists: Vec<ListView>,
    values: HashMap<String, String>,
    /// (input id, message), in the page's order.
    problems: Vec<(String, String)>,
}

impl AnnexAPage {
    fn new(session: &Session, values: HashMap<String, String>) -> Self {
        AnnexAPage {
            chrome: Chrome::for_session(session, "returns"),
            lists: (0..TITLES.len())
                .map(|i| ListView {
                    number: i + 1,
                    title: TITLES[i],
                    columns: COLUMNS[i].len(),
                    note: NOTES[i],
                })
                .collect(),
            values,
            problems: Vec::new(),
        }
    }

    fn error(&self, id: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, m)| m.as_str())
    }

    fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }
}

/// A date input's three boxes filled in with `day`.
fn fill(values: &mut HashMap<String, String>, prefix: &str, day: NaiveDate) {
    values.insert(format!("{prefix}_day"), day.day().to_string());
    values.insert(format!("{prefix}_month"), day.month().to_string());
    values.insert(format!("{prefix}_year"), day.year().to_string());
}

/// The form, with the twelve months to today filled in.
pub(crate) async fn form(
    session: Session,
    State(state): State<AppState>,
) -> Result<Response, WebError> {
    if let Some(page) = super::refused(&session, AuthorityAction::ProduceReturns, "returns") {
        return Ok(page);
    }
    let window = Window::twelve_months_to(state.app.clock().today());
    let mut values = HashMap::new();
    fill(&mut values, "from", window.from());
    fill(&mut values, "to", window.to());
    super::render(&AnnexAPage::new(&session, values))
}

/// The workbook, or the form again with what is wrong.
pub(crate) async fn download(
    session: Session,
    State(state): State<AppState>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    session.check_csrf(form::text(&values, "csrf_token"))?;
    let mut page = AnnexAPage::new(&session, values);
    if carebridge_policy::decide(&session.actor.subject(), AuthorityAction::ProduceReturns).is_err()
    {
        // Refused whatever the form says: the use case decides again and audits the
        // refusal, so ask it (for the default window) rather than check the dates first.
        let window = Window::twelve_months_to(state.app.clock().today());
        return produce(&state, &session, page, window).await;
    }
    let from = form::required_date(&page.values, "from", "The first day");
    let to = form::required_date(&page.values, "to", "The last day");
    let window = match (from, to) {
        (Ok(from), Ok(to)) => Window::new(from, to).map_err(|m| ("to".to_owned(), m)),
        (from, to) => {
            for (id, result) in [("from", from), ("to", to)] {
                if let Err(m) = result {
                    page.problems.push((id.to_owned(), m));
                }
            }
            Err((String::new(), String::new()))
        }
    };
    let window = match window {
        Ok(window) => window,
        Err((id, message)) => {
            if !id.is_empty() {
                page.problems.push((id, message));
            }
            return super::form_page(&page, true);
        }
    };
    produce(&state, &session, page, window).await
}

async fn produce(
    state: &AppState,
    session: &Session,
    page: AnnexAPage,
    window: Window,
) -> Result<Response, WebError> {
    match state
        .app
        .annex_a(Producer::Person(&session.actor, &session.meta), window)
        .await
    {
        Ok(made) => Ok(super::download(
            &made.file_name,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            made.bytes,
        )),
        Err(e @ AppError::Forbidden(_)) => Ok(WebError::from(e).page(page.chrome)),
        Err(e) => Err(e.into()),
    }
}
